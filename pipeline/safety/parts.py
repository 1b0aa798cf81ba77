"""Reading one package part, streamed and bounded, and scanning what the parsers will meet.

Every member of a package is read exactly once, here, in chunks: never whole, never past
its declared size, never past the deadline, and zipfile checks its CRC at the end; the
bytes read are kept only when asked (the gate's own small parts, and a Word document's
members handed over to the reader so it need not inflate them again). XML is
scanned as it passes (not parsed) for DTDs and entity declarations, in whatever encoding
it claims, and the cells of worksheets are counted, since it is cells and merged areas,
not bytes, that bound openpyxl's memory and time.
"""

from __future__ import annotations

import codecs
import re
import time
import zipfile

from pipeline.safety.limits import Limits
from pipeline.safety.reasons import damaged, damaged_unless_ok, mb, too_large, unsafe

CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedstrings+xml"

_XML_STARTS = (b"<", b"\xff\xfe", b"\xfe\xff", b"\x00<", b"\x00\x00\x00<", b"\x00\x00\xfe\xff", b"\x4c\x6f\xa7\x94")  # fmt: skip
_CHUNK = 64 * 1024
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


def read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: Limits,
    tally: Tally,
    deadline: float,
    *,
    keep: bool,
    ctype: str = "",
    hand_over: bool = False,
) -> bytes | None:
    """Stream one member through a bounded read, CRC-checked by zipfile at the end.

    XML is scanned for DTDs and entity declarations (never parsed here), worksheets and
    shared strings are counted. Returns the bytes when ``keep`` (small parts the gate
    parses itself; over :data:`_KEEP_BYTES` is a rejection) or ``hand_over`` (the package is
    small enough for its parts to go to the reader once checked); otherwise ``None``.
    """
    name = info.filename.lower()
    ext = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
    xmlish = ctype.endswith("xml") or ext in {"xml", "rels", "vml", "svg"}
    # A DTD or entity needs "<!": most parts have no "!" at all, and looking for one byte
    # (memchr) costs far less than the pattern's search, which stops at every "<".
    maps = "xmlmaps" in ctype  # an XML map's schemaLocation needs no "!"
    counter = _CELL if ctype == CT_SHEET else _SHARED_STRING if ctype == CT_STRINGS else None
    tally.start_part()
    decoder: codecs.IncrementalDecoder | None = None
    kept: list[bytes] | None = [] if keep or hand_over else None  # joined once: one allocation
    carry, seen, first, done = b"", 0, True, 0
    with damaged_unless_ok("part of it is corrupt or cut short"), zf.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            seen += len(chunk)
            if seen > info.file_size:
                raise damaged(f"a part is bigger than it says ({info.filename})")
            if keep and seen > _KEEP_BYTES:
                raise too_large(f"its part {info.filename} is over {mb(_KEEP_BYTES)}")
            if time.monotonic() > deadline:
                raise too_large(f"it took over {limits.max_check_seconds:g} seconds to check")
            if kept is not None:
                kept.append(chunk)
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
            if (maps or b"!" in buf) and (_DANGER_IN_MAPS if maps else _DANGER).search(buf):
                raise unsafe("it declares a DTD, XML entities or an outside schema")
            if counter is not None:
                tally.feed(counter, buf, len(buf) - _CARRY, done - len(carry))
            carry, done = buf[-_CARRY:], done + len(text)
        if counter is not None:
            tally.feed(counter, carry, len(carry), done - len(carry))
        if counter is _SHARED_STRING:
            tally.end_strings(done)
    return None if kept is None else b"".join(kept)


class Tally:
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
                self.merges += 1
                self.cells += _area(*m.group(1, 2, 3, 4))
            elif m.group(0).startswith(b"<"):
                self.cells += 1
            else:  # a cell using a shared string; unreadable index: assume the longest
                index = int(m.group(5) or len(self.lengths))
                self.text += self.lengths[index] if index < len(self.lengths) else self.longest
        limits = self.limits
        if self.cells > limits.max_sheet_cells:
            raise too_large(f"a sheet has more than {limits.max_sheet_cells:,} cells")
        if self.merges > limits.max_merged_ranges:
            raise too_large(f"a sheet has more than {limits.max_merged_ranges:,} merged areas")
        if self.text > limits.max_uncompressed_bytes:
            raise too_large(f"its cells repeat text to over {mb(limits.max_uncompressed_bytes)}")

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
        raise unsafe(f"a part ({name}) uses an unusual text encoding")
    declared = _XML_DECL_ENCODING.match(body)
    if declared and declared.group(1).decode("ascii").lower() not in _ASCII_ENCODINGS:
        if declared.group(1).lower().replace(b"-", b"") == b"utf16":
            raise damaged(f"a part ({name}) says it is UTF-16 but is not")
        raise unsafe(f"a part ({name}) uses an unusual text encoding")
    return None


def _check_dimension(first: bytes, limits: Limits) -> None:
    """Refuse a sheet whose declared used range is beyond the cell limit."""
    found = _DIMENSION.search(first)
    if not found:
        return
    c1, r1, c2, r2 = found.groups()
    if c2 is None or r2 is None:
        return
    if _area(c1, r1, c2, r2) > limits.max_sheet_cells:
        raise too_large(f"a sheet covers more than {limits.max_sheet_cells:,} cells")


def _area(c1: bytes, r1: bytes, c2: bytes, r2: bytes) -> int:
    """The number of cells in the range from ``c1 r1`` to ``c2 r2`` (``b"A", b"1"``...)."""
    return (abs(_column(c2) - _column(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)


def _column(letters: bytes) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ch - 64
    return value
