"""PDF objects for tests: a minimal classic-xref file around given objects, and a plain-Python
view of a parsed object so two readers' results can be compared.

The file is written here byte by byte (not by pypdf or our writer), so the reader under test
and pypdf's reader, the oracle, both read something neither of them wrote.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
    StreamObject,
)

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def classic_pdf(bodies: list[bytes]) -> bytes:
    """A PDF whose objects 1 and 2 are a catalog and an empty page tree, then ``bodies`` as
    objects 3, 4, ..., indexed by one classic cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate([CATALOG, PAGES, *bodies], start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(offsets) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def plain(obj: PdfObject | None) -> Any:
    """``obj`` as nested tuples, lists and dicts, with each value's pypdf type beside it
    (``IndirectObject`` compares by reader, so references become their numbers)."""
    if isinstance(obj, IndirectObject):
        return ("R", obj.idnum, obj.generation)
    if isinstance(obj, StreamObject):
        entries = {k: plain(obj.raw_get(k)) for k in obj}
        return (type(obj).__name__, entries, obj._data)
    if isinstance(obj, DictionaryObject):
        return (type(obj).__name__, {k: plain(obj.raw_get(k)) for k in obj})
    if isinstance(obj, ArrayObject):
        return ("array", [plain(x) for x in obj])
    return (type(obj).__name__, obj, bytes(getattr(obj, "original_bytes", b"")))
