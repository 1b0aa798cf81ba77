"""Verdicts on OLE2 compound files: the container of legacy Office and of encrypted OOXML.

A Word 97-2003 document or Excel workbook is converted by LibreOffice before it is read
(:mod:`pipeline.convert.legacy`); anything else in OLE2 is refused, and officers need to know
*why*: a password (Word and Excel wrap an encrypted .docx/.xlsx in OLE2, and mark a
protected .doc/.xls inside it) needs a different fix from a slide deck.
"""

from __future__ import annotations

import struct
from typing import IO, Literal

import olefile

from pipeline.errors import RejectedFile
from pipeline.safety.reasons import damaged, encrypted, not_ours, old_format

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_ole(fh: IO[bytes], ext: str) -> Literal["doc", "xls"]:
    """Classify an OLE2 compound file: a Word 97-2003 document ("doc") or Excel workbook
    ("xls") LibreOffice converts for reading; otherwise it raises (encrypted, damaged, a
    slide deck or other OLE2 file)."""
    try:
        ole = olefile.OleFileIO(fh)
    except Exception as exc:  # fuzzed OLE files make olefile raise almost anything
        raise damaged("its old-style Office structure is broken") from exc
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        if {"EncryptionInfo", "EncryptedPackage"} & streams:
            raise encrypted()
        if "WordDocument" in streams:
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) == 12 and struct.unpack_from("<H", fib, 10)[0] & 0x0100:
                raise encrypted(", then save it as .docx")
            return "doc"
        book = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
        if book is not None:
            if _xls_has_filepass(ole.openstream(book).read(64 * 1024)):
                raise encrypted(", then save it as .xlsx")
            return "xls"
    except RejectedFile:
        raise
    except Exception as exc:
        raise damaged("its old-style Office structure is broken") from exc
    finally:
        ole.close()
    if "PowerPoint Document" in streams:
        raise not_ours("an old PowerPoint file")
    if ext in {".doc", ".xls", ".dot", ".xlt"}:
        raise old_format()
    raise not_ours("an old-style Office file that is not a document or workbook")


def _xls_has_filepass(data: bytes) -> bool:
    """True if the workbook globals of a BIFF stream carry a FILEPASS (password) record."""
    pos = 0
    for _ in range(500):
        if pos + 4 > len(data):
            return False
        kind, length = struct.unpack_from("<HH", data, pos)
        if kind == 0x002F:
            return True
        if kind == 0x000A:  # EOF of the globals substream
            return False
        pos += 4 + length
    return False
