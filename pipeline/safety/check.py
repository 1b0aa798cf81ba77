"""The safety gate every dropped file passes before any parser touches it.

Files in the inbox are untrusted: anyone who can write to the share can drop a file, and
Office files are zip archives of XML that python-docx, openpyxl and LibreOffice will parse.
This module is the gate's front door: :func:`is_candidate` says which names in the inbox
are files to judge at all, and :func:`check_file` decides by *content* (magic bytes first,
then the zip's members and ``[Content_Types].xml``) whether a file is a Word or Excel form
we can read, and otherwise raises :class:`~pipeline.errors.RejectedFile` with one of the
fixed reasons of :mod:`pipeline.safety.reasons` and advice an officer can follow. Every zip
member is read once, streamed and bounded, so the parsers later never meet a CRC error, a
zip bomb, a DTD or an entity declaration. :func:`checked_file` gives the same verdict with
a Word document's members as the gate read them (:class:`CheckedFile`), so the reader
parses exactly the bytes that were checked and inflates none twice; the gate keeps nothing
itself (no cache: a file can change between two looks).

The checks live beside it, each bounded by :class:`~pipeline.safety.limits.Limits`:
:mod:`pipeline.safety.ole` (legacy and encrypted Office), :mod:`pipeline.safety.package`
(the zip and its structure) and :mod:`pipeline.safety.parts` (each part, streamed and
scanned). Importing this module runs :func:`~pipeline.safety.parsers.harden_parsers`, so
the parsers are safe even if the gate were bypassed.
"""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from pipeline.safety.limits import DEFAULT_LIMITS, Limits
from pipeline.safety.ole import OLE_MAGIC, check_ole
from pipeline.safety.package import check_package
from pipeline.safety.parsers import harden_parsers
from pipeline.safety.reasons import damaged, mb, not_ours, too_large


def is_ignored(name: str) -> bool:
    """True for files Office, LibreOffice or the OS leave beside real ones.

    Owner files (``~$x.docx``), lock files (``.~lock.x#``), ``*.tmp``, Excel's extensionless
    temp files, Thumbs.db, desktop.ini and hidden files come and go while people work; they
    are not forms and rejecting them would fill the summary with noise.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    lower = base.lower()
    return (
        not base
        or base.startswith(("~$", "."))
        or lower in {"thumbs.db", "desktop.ini"}
        or lower.endswith(".tmp")
        or "." not in base.strip(".")
    )


def is_candidate(name: str) -> bool:
    """True for every file the pipeline should take (and accept or reject with a reason)."""
    return not is_ignored(name)


# How a file that passed is read: directly ("docx", "xlsx"), or after LibreOffice converts
# it (pipeline.convert.legacy): Word 97-2003, RTF, OpenDocument text; Excel 97-2003,
# OpenDocument spreadsheet.
Kind = Literal["docx", "xlsx", "doc", "rtf", "odt", "xls", "ods"]


@dataclass(frozen=True, eq=False)
class CheckedFile:
    """A file the gate passed: how to read it, and for a Word document the parts it read.

    ``parts`` (member name: bytes, every member of the zip) are exactly the bytes the gate
    streamed, CRC-checked and scanned, so the reader parses what was checked and never
    inflates a part twice; ``None`` when the reader must open the file itself (Excel, the
    formats LibreOffice converts, a package over
    :data:`~pipeline.safety.package.HAND_OVER_BYTES`). Nothing keeps it beyond the caller.
    """

    path: Path
    kind: Kind
    parts: Mapping[str, bytes] | None = field(default=None, repr=False)


def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Kind:
    """Return how to read ``path`` (see :data:`Kind`), or raise :class:`RejectedFile`.

    OSError opening the file itself propagates: a file still being copied or locked is
    not a verdict on its content, so the caller should retry later rather than reject it.
    """
    return checked_file(path, limits).kind


def checked_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> CheckedFile:
    """:func:`check_file`'s verdict with the parts the gate read, for the reader."""
    deadline = time.monotonic() + limits.max_check_seconds
    ext = Path(path).suffix.lower()
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise not_ours("an empty file", "it has nothing in it; save the form again and drop it")
        if size > limits.max_file_bytes:
            raise too_large(f"the limit is {mb(limits.max_file_bytes)} per file")
        head = fh.read(512)
        fh.seek(0)
        if head.startswith(OLE_MAGIC):
            return CheckedFile(path, check_ole(fh, ext))
        if head.startswith(b"PK"):
            kind, parts = check_package(fh, ext, limits, deadline)
            return CheckedFile(path, kind, None if parts is None else MappingProxyType(parts))
        if zipfile.is_zipfile(fh):
            raise damaged("it has extra data in front of it")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return CheckedFile(path, "rtf")
    raise not_ours(_describe(head, ext))


def _describe(head: bytes, ext: str) -> str:
    """Name what a non-Office file is, in words an officer recognises."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"%pdf"):
        return "a PDF"
    if start.startswith(b"{\\rtf"):
        return "an RTF document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")):
        return "a picture"
    if start.startswith((b"<html", b"<!doctype html", b"mime-version")) or b"<html" in start:
        return "a web page"
    if b"mso-application" in start:
        return "an old Word or Excel 2003 XML file"
    if start.startswith(b"<?xml"):
        return "an XML file"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return f"a {ext} file" if ext else "a file of unknown type"
    return "a CSV file" if ext == ".csv" else "a text file"


harden_parsers()
