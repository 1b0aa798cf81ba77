"""A template package written again with a few parts new: the rest copied, never recompressed.

A .docx is a zip of XML parts, and most of a generated document's parts are its template's,
unchanged: styles, numbering, theme, fonts, settings. python-docx and docxtpl parse every
part of the template, serialise every part again and compress it again for each document;
for the comparison documents' template (python-docx's own, whose styles.xml is 349 KB and
stylesWithEffects.xml 438 KB uncompressed) that was most of their cost. :class:`Template`
keeps a package without its changing parts as zip bytes, compressed once per process;
:meth:`Template.fill` appends the new parts to a copy of those bytes (``zipfile`` in append
mode copies the entries already there byte for byte) and returns the whole package.

Why deflate and not ZIP_STORED: storing every part uncompressed costs no CPU but makes a
comparison document 830 KB instead of 37 KB; copying the compressed entries costs no CPU
either. Only the new parts are compressed, and they are small (a comparison's body, a few
KB to some tens of KB): deflating them costs well under a millisecond (measured with
``benchmarks/run.py --stages``), so they are deflated too.

It never reads a package from an untrusted source (templates only: forms go through
``safety``), never parses XML and never writes to disk: callers write the bytes with
:mod:`pipeline.atomic`.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable, Mapping


class Template:
    """A package's parts but ``changing``, as zip bytes; :meth:`fill` adds those parts."""

    def __init__(self, package: bytes, changing: Iterable[str]) -> None:
        self.changing = frozenset(changing)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(package)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as kept,
        ):
            self.names = tuple(i.filename for i in source.infolist())
            for info in source.infolist():
                if info.filename not in self.changing:
                    kept.writestr(info, source.read(info), zipfile.ZIP_DEFLATED)
        self.kept = out.getvalue()

    def fill(self, parts: Mapping[str, bytes]) -> bytes:
        """The whole package: the kept entries as they are, then ``parts`` (deflated).

        Every part named as changing must be given, and only those: a package missing its
        document part, or holding a part twice, is refused here rather than by Word.
        """
        if set(parts) != self.changing:
            raise ValueError(
                f"parts {sorted(parts)} are not the changing parts {sorted(self.changing)}"
            )
        out = io.BytesIO(self.kept)
        stamp = time.localtime()[:6]
        with zipfile.ZipFile(out, "a") as package:
            for name, data in parts.items():
                package.writestr(zipfile.ZipInfo(name, stamp), data, zipfile.ZIP_DEFLATED)
        return out.getvalue()
