"""The safety gate every dropped file passes before any parser touches it.

Files in the inbox are untrusted: anyone who can write to the share can drop a file, and
Office files are zip archives of XML that python-docx, openpyxl and LibreOffice will parse.
:func:`check_file` decides by *content* (magic bytes, zip members, ``[Content_Types].xml``)
whether a file is a Word or Excel form we can read, and otherwise raises
:class:`~pipeline.errors.RejectedFile` with one of the fixed ``reason`` phrases below and
advice an officer can follow. Every zip member is read once, streamed and bounded, so the
parsers later never meet a CRC error, a zip bomb, a DTD or an entity declaration.

:func:`harden_parsers` (run at import) makes sure the parsers are safe even if the gate
were bypassed: python-docx's lxml parsers must not expand entities or fetch DTDs, and
openpyxl must be using defusedxml.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import struct
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Literal
from urllib.parse import unquote

import olefile
import openpyxl.xml
from lxml import etree  # type: ignore[import-untyped]

from pipeline.errors import RejectedFile

ENCRYPTED = "encrypted or password-protected"
OLD_FORMAT = "old .doc/.xls format: save as .docx/.xlsx"
MACROS = "macro-enabled: save as .docx/.xlsx"
DAMAGED = "damaged file"
UNSAFE = "unsafe content"
TOO_LARGE = "too large"
NOT_OURS = "not one of our forms"  # always followed by ": <what it is>"

_RESAVE = "open it in Word or Excel, use File > Save As to save it as a Word Document (.docx) or Excel Workbook (.xlsx), and drop the new file"
_ENCRYPTED_ADVICE = "remove the password: open it in Word or Excel, go to File > Info > Protect > Encrypt with Password, clear the password, save, and drop it again"
_UNSAFE_ADVICE = "Word and Excel never write this themselves; " + _RESAVE
_LINK_ADVICE = "remove the link (in Excel: Data > Edit Links > Break Link), save, and drop it again"
_BROKEN = "it is not a complete Word or Excel file ({}); " + _RESAVE

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"\x00\x00\x00<", b"\x00\x00\xfe\xff", b"\x4c\x6f\xa7\x94")  # fmt: skip
_TYPES = "[Content_Types].xml"
_CHUNK = 64 * 1024
_BIG_MEMBER = 1024 * 1024  # the ratio limit applies to members bigger than this
_KEEP_BYTES = 8 * 1024 * 1024  # package parts we parse ourselves (content types, rels)
_CARRY = 64  # bytes kept between chunks so a pattern split across chunks is still seen
_DANGER = re.compile(rb"<!(?:doctype|entity)", re.IGNORECASE)
_DANGER_IN_MAPS = re.compile(rb"<!(?:doctype|entity)|schemaLocation\s*=", re.IGNORECASE)
_CELL = re.compile(
    rb'<(?:[A-Za-z_][\w.-]{0,20}:)?(?:c[\s/>]|mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7}))'
    rb'|\st="s"(?:[^<>]{0,100}>\s{0,10}<(?:[A-Za-z_][\w.-]{0,20}:)?v>(\d{1,9})<)?'
)
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?si[\s/>]")
_DIMENSION = re.compile(
    rb'<(?:[\w.-]+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_XML_DECL_ENCODING = re.compile(
    rb'^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["\']([A-Za-z0-9._:-]{1,40})["\']'
)
_ASCII_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15", "windows-1252", "cp1252"})  # fmt: skip
_MACRO_EXTS = frozenset({".docm", ".dotm", ".xlsm", ".xltm", ".xlam"})
_OFFICE_EXTS = frozenset({".docx", ".xlsx", ".dotx", ".xltx"}) | _MACRO_EXTS

_CT_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedstrings+xml"
_SAFE_EXTERNAL_RELS = ("/hyperlink", "/attachedTemplate")  # never fetched by our parsers


@dataclass(frozen=True)
class Limits:
    """Ceilings that keep one hostile file from exhausting memory or time."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # sum of zip members
    max_member_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 200.0  # compression ratio of any big member
    max_members: int = 5000
    max_sheet_cells: int = 2_000_000  # from <dimension>, and counted cells / shared strings
    max_merged_ranges: int = 10_000  # openpyxl's merge handling is quadratic
    max_check_seconds: float = 8.0  # a hang guard: the check gives up, it never blocks


_DEFAULT_LIMITS = Limits()


def _reject(reason: str, advice: str) -> RejectedFile:
    return RejectedFile(reason, advice)


def _damaged(what: str) -> RejectedFile:
    return RejectedFile(DAMAGED, _BROKEN.format(what))


def _not_ours(what: str, advice: str = _RESAVE) -> RejectedFile:
    return RejectedFile(f"{NOT_OURS}: {what}", advice)


def _too_large(why: str) -> RejectedFile:
    return RejectedFile(TOO_LARGE, why)


def _unsafe(why: str, advice: str = _UNSAFE_ADVICE) -> RejectedFile:
    return RejectedFile(UNSAFE, f"{why}; {advice}")


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):g} MB"


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


def check_file(path: Path, limits: Limits = _DEFAULT_LIMITS) -> Literal["docx", "xlsx"]:
    """Return how to read ``path`` ("docx" or "xlsx"), or raise :class:`RejectedFile`.

    OSError opening the file itself propagates: a file still being copied or locked is
    not a verdict on its content, so the caller should retry later rather than reject it.
    """
    deadline = time.monotonic() + limits.max_check_seconds
    ext = Path(path).suffix.lower()
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise _not_ours(
                "an empty file", "it has nothing in it; save the form again and drop it"
            )
        if size > limits.max_file_bytes:
            raise _too_large(f"the limit is {_mb(limits.max_file_bytes)} per file")
        head = fh.read(512)
        fh.seek(0)
        if head.startswith(_OLE_MAGIC):
            _check_ole(fh, ext)
        if head.startswith(b"PK"):
            return _check_zip(fh, ext, limits, deadline)
        if zipfile.is_zipfile(fh):
            raise _damaged("it has extra data in front of it")
    raise _not_ours(_describe(head, ext))


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


def _check_ole(fh: IO[bytes], ext: str) -> None:
    """Classify an OLE2 compound file (always raises): encrypted OOXML, or legacy Office."""
    try:
        ole = olefile.OleFileIO(fh)
    except Exception as exc:  # fuzzed OLE files make olefile raise almost anything
        raise _damaged("its old-style Office structure is broken") from exc
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        if {"EncryptionInfo", "EncryptedPackage"} & streams:
            raise _reject(ENCRYPTED, _ENCRYPTED_ADVICE)
        if "WordDocument" in streams:
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) == 12 and struct.unpack_from("<H", fib, 10)[0] & 0x0100:
                raise _reject(ENCRYPTED, _ENCRYPTED_ADVICE + ", then save it as .docx")
            raise _reject(OLD_FORMAT, _RESAVE)
        book = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
        if book is not None:
            if _xls_has_filepass(ole.openstream(book).read(64 * 1024)):
                raise _reject(ENCRYPTED, _ENCRYPTED_ADVICE + ", then save it as .xlsx")
            raise _reject(OLD_FORMAT, _RESAVE)
    except RejectedFile:
        raise
    except Exception as exc:
        raise _damaged("its old-style Office structure is broken") from exc
    finally:
        ole.close()
    if "PowerPoint Document" in streams:
        raise _not_ours("an old PowerPoint file")
    if ext in {".doc", ".xls", ".dot", ".xlt"}:
        raise _reject(OLD_FORMAT, _RESAVE)
    raise _not_ours("an old-style Office file that is not a document or workbook")


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


@contextmanager
def _damaged_unless_ok(what: str) -> Iterator[None]:
    """Turn any failure of zipfile/lxml on untrusted bytes into "damaged file"."""
    try:
        yield
    except RejectedFile:
        raise
    except Exception as exc:  # zipfile/zlib/lxml raise many types on fuzzed input
        raise _damaged(what) from exc


def _check_central_directory(fh: IO[bytes], limits: Limits) -> None:
    """Bound the central directory *before* zipfile builds an object per entry.

    zipfile parses every entry in the directory whatever the entry count says, so a
    small file with a huge directory could cost a lot of memory just to list it.
    """
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - 65536 - 22))
    tail = fh.read()
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise _damaged("the end of the file is missing")
    count, cd_size = struct.unpack_from("<HL", tail, pos + 10)
    if (
        (count == 0xFFFF or cd_size == 0xFFFFFFFF)
        and pos >= 20
        and tail[pos - 20 : pos - 16] == b"PK\x06\x07"
    ):
        fh.seek(struct.unpack_from("<Q", tail, pos - 12)[0])
        record = fh.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise _damaged("the end of the file is missing")
        count, cd_size = struct.unpack_from("<QQ", record, 32)
    if count > limits.max_members or cd_size > limits.max_members * 512:
        raise _too_large(f"it holds more than {limits.max_members} parts")
    fh.seek(0)


def _check_zip(fh: IO[bytes], ext: str, limits: Limits, deadline: float) -> Literal["docx", "xlsx"]:
    """Check an OOXML package member by member; return its format or raise."""
    _check_central_directory(fh, limits)
    with _damaged_unless_ok("its zip structure is broken"):
        zf = zipfile.ZipFile(fh)
    with zf:
        infos = zf.infolist()
        _check_listing(infos, limits)
        names = {info.filename for info in infos}
        if ext in _MACRO_EXTS or any(
            n.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for n in names
        ):
            raise _reject(MACROS, _RESAVE)
        if _TYPES not in names:
            if "mimetype" in names:
                raise _not_ours("an OpenDocument (LibreOffice) file")
            if ext in _OFFICE_EXTS:
                raise _damaged("its list of contents is missing")
            raise _not_ours("a zip archive", "drop the Word or Excel form itself")
        tally = _Tally(limits)
        types = _parse_content_types(
            _read_member(zf, zf.getinfo(_TYPES), limits, tally, deadline, keep=True)
        )
        kept: dict[str, bytes] = {}  # shared strings first: sheets are measured against them
        for info in sorted(infos, key=lambda i: _content_type(types, i.filename) != _CT_STRINGS):
            ctype = _content_type(types, info.filename)
            keep = info.filename.lower().endswith(".rels")
            data = _read_member(zf, info, limits, tally, deadline, keep=keep, ctype=ctype)
            if keep:
                kept[info.filename] = data
            if "macroenabled" in ctype or "vbaproject" in ctype:
                if "sheet.binary" in ctype:
                    raise _not_ours("an Excel binary workbook (.xlsb)")
                raise _reject(MACROS, _RESAVE)
    for rels_name, data in kept.items():
        _check_relationships(data, rels_name, {n.lower() for n in names})
    return _main_format(types, kept.get("_rels/.rels"), names)


def _check_listing(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Reject zip bombs and path tricks using only the central directory."""
    if len(infos) > limits.max_members:
        raise _too_large(f"it holds more than {limits.max_members} parts")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if (
            "\x00" in name
            or name.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", name)
            or ".." in parts
        ):
            raise _damaged("it has parts named outside the document")
        if name.lower() in seen:
            raise _damaged("it has two parts with the same name")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise _reject(ENCRYPTED, _ENCRYPTED_ADVICE)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_member_bytes or total > limits.max_uncompressed_bytes:
            limit = f"{_mb(limits.max_uncompressed_bytes)} ({_mb(limits.max_member_bytes)} a part)"
            raise _too_large(f"it unpacks to more than the limit of {limit}")
        if info.file_size > _BIG_MEMBER and ratio > limits.max_ratio:
            raise _too_large(f"a part unpacks to over {limits.max_ratio:g} times its packed size")


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: Limits,
    tally: _Tally,
    deadline: float,
    *,
    keep: bool,
    ctype: str = "",
) -> bytes:
    """Stream one member through a bounded read, CRC-checked by zipfile at the end.

    XML is scanned for DTDs and entity declarations (never parsed here), worksheets and
    shared strings are counted. Returns the bytes only when ``keep`` (small parts).
    """
    name = info.filename.lower()
    ext = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
    xmlish = ctype.endswith("xml") or ext in {"xml", "rels", "vml", "svg"}
    counter = _CELL if ctype == _CT_SHEET else _SHARED_STRING if ctype == _CT_STRINGS else None
    tally.start_part()
    decoder: codecs.IncrementalDecoder | None = None
    kept, carry, seen, first, done = bytearray(), b"", 0, True, 0
    with _damaged_unless_ok("part of it is corrupt or cut short"), zf.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            seen += len(chunk)
            if seen > info.file_size:
                raise _damaged(f"a part is bigger than it says ({info.filename})")
            if keep and seen > _KEEP_BYTES:
                raise _too_large(f"its part {info.filename} is over {_mb(_KEEP_BYTES)}")
            if time.monotonic() > deadline:
                raise _too_large(f"it took over {limits.max_check_seconds:g} seconds to check")
            if keep:
                kept += chunk
            if first:  # also scan parts that only look like XML: a parser may be told they are
                xmlish = xmlish or chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_XML_STARTS)
                decoder = _xml_decoder(chunk, info.filename) if xmlish else None
                first = False
                if counter is _CELL:
                    _check_dimension(chunk, limits)
            if not xmlish:
                continue
            text = chunk if decoder is None else decoder.decode(chunk).encode("utf-8", "replace")
            buf = carry + text
            if (_DANGER_IN_MAPS if "xmlmaps" in ctype else _DANGER).search(buf):
                raise _unsafe("it declares a DTD, XML entities or an outside schema")
            if counter is not None:
                tally.feed(counter, buf, len(buf) - _CARRY, done - len(carry))
            carry, done = buf[-_CARRY:], done + len(text)
        if counter is not None:
            tally.feed(counter, carry, len(carry), done - len(carry))
        if counter is _SHARED_STRING:
            tally.end_strings(done)
    return bytes(kept)


class _Tally:
    """Count what openpyxl will build from a package's sheets, as they stream past.

    openpyxl makes an object per cell and per cell inside a merged range, and checks each
    merge against all earlier ones (50,000 merges took 11 seconds), so these counts, not
    bytes, bound its memory and time. Cells sharing one long string cost openpyxl nothing
    but whoever reads their text gets a copy each (a 1 MB string in 12,000 cells of the
    corpus is 12 GB of text), so the text the cells reach is bounded too.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits, self.lengths, self.longest, self.text = limits, list[int](), 0, 0
        self.start_part()

    def start_part(self) -> None:
        self.cells, self.merges, self.last_si = 0, 0, -1

    def feed(self, pattern: re.Pattern[bytes], buf: bytes, end: int, offset: int) -> None:
        """Count matches starting before ``end``; the rest is carried to the next chunk."""
        for m in pattern.finditer(buf):
            if m.start() >= end:
                break
            if pattern is _SHARED_STRING:  # a string's size: from its <si> to the next one
                if self.last_si >= 0:
                    self.lengths.append(offset + m.start() - self.last_si)
                self.cells, self.last_si = self.cells + 1, offset + m.start()
            elif m.group(1):
                c1, r1, c2, r2 = m.group(1, 2, 3, 4)
                self.merges += 1
                self.cells += (abs(_column(c2) - _column(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
            elif m.group(0).startswith(b"<"):
                self.cells += 1
            else:  # a cell using a shared string; unreadable index: assume the longest
                index = int(m.group(5) or len(self.lengths))
                self.text += self.lengths[index] if index < len(self.lengths) else self.longest
        limits = self.limits
        if self.cells > limits.max_sheet_cells:
            raise _too_large(f"a sheet has more than {limits.max_sheet_cells:,} cells")
        if self.merges > limits.max_merged_ranges:
            raise _too_large(f"a sheet has more than {limits.max_merged_ranges:,} merged areas")
        if self.text > limits.max_uncompressed_bytes:
            raise _too_large(f"its cells repeat text to over {_mb(limits.max_uncompressed_bytes)}")

    def end_strings(self, total: int) -> None:
        if self.last_si >= 0:
            self.lengths.append(total - self.last_si)
        self.longest = max(self.lengths, default=0)


def _xml_decoder(first: bytes, name: str) -> codecs.IncrementalDecoder | None:
    """Pick how to scan an XML part so a DTD cannot hide behind an exotic encoding.

    ASCII-compatible encodings are scanned as bytes, UTF-16 is decoded first, and any
    other encoding (UTF-32, EBCDIC, UTF-7...) is refused since Word and Excel write UTF-8.
    """
    if first.startswith((b"\xff\xfe", b"\xfe\xff")) and not first.startswith(b"\xff\xfe\x00\x00"):
        return codecs.getincrementaldecoder("utf-16")("replace")
    if first.startswith(b"<\x00") and first[2:3] != b"\x00":
        return codecs.getincrementaldecoder("utf-16-le")("replace")
    if first.startswith(b"\x00<") and first[2:3] != b"\x00":
        return codecs.getincrementaldecoder("utf-16-be")("replace")
    body = first[3:] if first.startswith(b"\xef\xbb\xbf") else first
    if body.startswith((b"\x00\x00", b"<\x00\x00\x00", b"\xff\xfe\x00\x00", b"\x4c\x6f\xa7\x94")):
        raise _unsafe(f"a part ({name}) uses an unusual text encoding")
    declared = _XML_DECL_ENCODING.match(body)
    if declared and declared.group(1).decode("ascii").lower() not in _ASCII_ENCODINGS:
        if declared.group(1).lower().replace(b"-", b"") == b"utf16":
            raise _damaged(f"a part ({name}) says it is UTF-16 but is not")
        raise _unsafe(f"a part ({name}) uses an unusual text encoding")
    return None


def _check_dimension(first: bytes, limits: Limits) -> None:
    """Refuse a sheet whose declared used range is beyond the cell limit."""
    found = _DIMENSION.search(first)
    if not found:
        return
    c1, r1, c2, r2 = found.groups()
    if c2 is None or r2 is None:
        return
    cells = (abs(_column(c2) - _column(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
    if cells > limits.max_sheet_cells:
        raise _too_large(f"a sheet covers more than {limits.max_sheet_cells:,} cells")


def _column(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ch - 64
    return value


def _safe_parse(data: bytes, what: str) -> etree._Element:
    """Parse a small package part with entities, DTDs and network access all off."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    with _damaged_unless_ok(f"its {what} cannot be read"):
        return etree.fromstring(data, parser)


def _parse_content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """Defaults (by extension) and Overrides (by part name), keys lower-cased as OPC says."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in _safe_parse(data, "list of contents"):
        if not isinstance(el.tag, str):
            continue
        kind = etree.QName(el).localname
        ctype = str(el.get("ContentType", "")).strip().lower()
        if kind == "Default":
            defaults[str(el.get("Extension", "")).lower()] = ctype
        elif kind == "Override":
            overrides[str(el.get("PartName", "")).lower()] = ctype
    return defaults, overrides


def _content_type(types: tuple[dict[str, str], dict[str, str]], member: str) -> str:
    defaults, overrides = types
    name = member.lower()
    return overrides.get("/" + name) or defaults.get(
        name.rsplit(".", 1)[-1] if "." in name else "", ""
    )


def _check_relationships(data: bytes, rels_name: str, names: set[str]) -> None:
    """Refuse links to missing parts, and outside links a tool could fetch.

    python-docx loads every linked part and fails on a missing one, so that is damage.
    Hyperlinks are ordinary in forms, and Word records a network template for every
    document made from a corporate template; neither python-docx nor openpyxl follows
    them. Remote images, OLE links and data sources are refused.
    """
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    source = posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")])
    if rels_name != "_rels/.rels" and source.lower() not in names:
        return  # links of a part that is not there: nothing will read them
    for el in _safe_parse(data, f"links ({rels_name})").iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname != "Relationship":
            continue
        if str(el.get("TargetMode", "")).lower() != "external":
            target = unquote(str(el.get("Target", ""))).split("#")[0].replace("\\", "/")
            part = posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
            if target and part.lower() not in names:
                raise _damaged(f"a part it refers to is missing ({part})")
        else:
            rtype = str(el.get("Type", ""))
            if not rtype.endswith(_SAFE_EXTERNAL_RELS):
                kind = rtype.rsplit("/", 1)[-1] or "unknown"
                raise _unsafe(f"it links to an outside file or address ({kind})", _LINK_ADVICE)


def _main_format(
    types: tuple[dict[str, str], dict[str, str]], rels: bytes | None, names: set[str]
) -> Literal["docx", "xlsx"]:
    """Follow the package's officeDocument link to its main part and judge by its type."""
    if rels is None:
        raise _damaged("its list of links is missing")
    target = None
    for el in _safe_parse(rels, "list of links").iter():
        if isinstance(el.tag, str) and str(el.get("Type", "")).endswith("/officeDocument"):
            target = unquote(str(el.get("Target", "")))
            break
    if target is None:
        raise _damaged("it has no main document")
    part = posixpath.normpath(posixpath.join("/", target.replace("\\", "/")))
    if part.lstrip("/").lower() not in {n.lower() for n in names}:
        raise _damaged("its main document is missing")
    ctype = _content_type(types, part.lstrip("/"))
    if ctype == _CT_DOCX:
        return "docx"
    if ctype == _CT_XLSX:
        return "xlsx"
    if "presentationml" in ctype:
        raise _not_ours("a PowerPoint file")
    if "wordprocessingml.template" in ctype:
        raise _not_ours("a Word template (.dotx)")
    if "spreadsheetml.template" in ctype:
        raise _not_ours("an Excel template (.xltx)")
    raise _not_ours("an Office file that is not a Word document or Excel workbook")


_PARSER_NAME = "oxml_parser"
_PROBE = b'<!DOCTYPE r [<!ENTITY probe "EXPANDED">]><r xmlns="urn:probe">&probe;</r>'


def _resolves_entities(parser: etree.XMLParser) -> bool:
    """Probe a parser by behaviour: lxml does not expose the options it was built with."""
    try:
        root = etree.fromstring(_PROBE, parser)
    except etree.XMLSyntaxError:
        return False
    return "EXPANDED" in "".join(root.itertext())


def harden_parsers() -> None:
    """Make sure python-docx and openpyxl are safe even for a file the gate never saw.

    python-docx 1.x builds its lxml parsers with ``resolve_entities=False`` (and lxml's
    defaults already disable DTD loading and network access); if a future version does
    not, its parsers are replaced by safe ones keeping python-docx's element classes.
    openpyxl is only safe with defusedxml active, which we cannot retrofit, so refuse.
    """
    import docx.opc.oxml
    import docx.oxml.parser

    modules: tuple[ModuleType, ...] = (docx.oxml.parser, docx.opc.oxml)
    for module in modules:
        if _resolves_entities(getattr(module, _PARSER_NAME)):
            safe = etree.XMLParser(
                remove_blank_text=True,
                resolve_entities=False,
                no_network=True,
                huge_tree=False,
                load_dtd=False,
            )
            safe.set_element_class_lookup(module.element_class_lookup)
            setattr(
                module, _PARSER_NAME, safe
            )  # parse_xml looks the global up per call  # parse_xml looks the global up per call
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError(
            "openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set to False?); refusing to read untrusted spreadsheets"
        )


harden_parsers()
