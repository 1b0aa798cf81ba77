"""A pypdf reader whose cross-reference table and objects are read by regular expressions.

Why: finishing a PDF (:mod:`pipeline.pdf.finish`) reads a few hundred of LibreOffice's
objects (structure elements, the parent tree, pages, annotations), and pypdf reads each
one byte by byte through ``BytesIO`` (``read_object``, ``read_until_regex``,
``read_non_whitespace``): that, with pypdf checking every object's header while it reads
the cross-reference table, was over half the CPU of finishing a policy's PDF, the largest
share of the pipeline's own work per document (``python benchmarks/profile.py``). Here each
token is one regular-expression match on the file's bytes; the objects made are pypdf's
own (``DictionaryObject``, ``NameObject``, ``IndirectObject``...), made with pypdf's own
constructors and string rules, so everything downstream is unchanged and an update finished
with this reader is byte for byte the one pypdf's reader gives
(``tests/pdf/test_objects.py``). The figure: ``make bench`` row (g) "finish a PDF" went from
37.4 ms of CPU to 14.1 and 11.4 ms in two runs (the README's Speed section); run alternately
at 442b1ce (before) and 51b724f (after) on one machine, ``python benchmarks/run.py --stages``
gave medians of 25.9 and 17.5 ms (the same code's figures move with the machine's load).

What it refuses: it is a fast path, never a second opinion. Anything it would not read
exactly as pypdf does is handed to pypdf: a file whose last cross-reference section is
not a well-formed classic table (streams, hybrids, damaged tables, encryption) is read by
pypdf whole; an object whose header does not match its table entry, a string escape outside
the standard ones, a stream whose ``/Length`` does not end at ``endstream``, a keyword or
byte it does not expect, is read by pypdf alone. It never repairs anything itself.
"""

from __future__ import annotations

import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    create_string_object,
)

_WS = rb"[\x00\t\n\x0c\r ]"  # pypdf's WHITESPACES
_SKIP = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")
_DELIM = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"
_TOKEN = re.compile(
    rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*(?:"
    rb"(?P<ref>(\d+)[ \t\n\r\x0b\x0c]+(\d+)[ \t\n\r\x0b\x0c]+R)(?=[^a-zA-Z])"
    rb"|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))"
    + _DELIM
    + rb"|(?P<name>/[^ \t\n\r\x0b\x0c()<>\[\]{}/%]*)"
    rb"|(?P<open><<|\[)|(?P<close>>>|\])"
    rb"|(?P<hex><[0-9A-Fa-f\t\n\r ]*>)"
    rb"|(?P<str>\()"
    rb"|(?P<kw>true|false|null)" + _DELIM + rb")"
)
_STRING_STOP = re.compile(rb"[()\\]")
_HEADER = re.compile(_WS + rb"*(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+obj")
_ENDOBJ = re.compile(_WS + rb"*endobj")
_STREAM = re.compile(_WS + rb"*stream *(?:\r\n|\r|\n)")
_ENDSTREAM = re.compile(_WS + rb"*endstream")
_XREF = re.compile(rb"xref" + _WS + rb"+")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ ]*(?:\r\n|\r|\n)")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_TRAILER = re.compile(_WS + rb"*trailer" + _WS + rb"*")
STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")  # in the last 1024 bytes
_ESCAPES = {
    ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
    **{c: bytes([c]) for c in b"()/\\ %<>[]#_&$"},
}  # fmt: skip  # pypdf's __ESCAPE_DICT__: it reads these as the character itself
_MAX_DEPTH = 100
# pypdf (7.x) refuses arrays and dictionaries over 100,000 entries and streams declared over
# 75 MB: anything near that is pypdf's to read (and refuse), whatever its version's limits
_MAX_ENTRIES = 10_000
_MAX_STREAM = 10_000_000
_MAX_NAME = 4096 - 16  # pypdf's NameObject._LENGTH_LIMIT, less a chunk it may read past
_MAX_SHARED = 4096  # names and integers kept to share, per process
_NAMES: dict[bytes, NameObject] = {}
_NUMBERS: dict[bytes, NumberObject] = {}
_MAX_REF_TEXT = 19  # pypdf looks for "n g R" and the byte after it in 20 bytes


class Unread(Exception):
    """What this reader does not read exactly as pypdf would: pypdf reads it instead."""


class FastPdfReader(PdfReader):
    """:class:`pypdf.PdfReader` with a regular-expression fast path for classic-xref files.

    Everything else about it (pages, metadata, the object cache, ``strict=False``) is pypdf's.
    """

    _data: bytes | None = None  # the file, while the fast path reads it
    _reading: set[tuple[int, int]]  # objects being read: a /Length pointing back is pypdf's
    handed_over = 0  # objects read by pypdf alone (see the module's docstring)

    @property
    def fast(self) -> bool:
        """True if the cross-reference table was read here (objects then are, as a rule)."""
        return self._data is not None

    def read(self, stream: Any) -> None:
        data = stream.getvalue() if hasattr(stream, "getvalue") else None
        try:
            if not isinstance(data, bytes):
                raise Unread("not an in-memory file")
            self._data, self._reading = data, set()
            self._read_tables(data)
        except Unread:
            self._data = None
            super().read(stream)

    def get_object(self, indirect_reference: int | IndirectObject) -> PdfObject | None:
        ref = indirect_reference
        idnum, generation = (ref, 0) if isinstance(ref, int) else (ref.idnum, ref.generation)
        key = (generation, idnum)
        if key in self.resolved_objects or self._data is None:
            return super().get_object(indirect_reference)
        offset = self.xref.get(generation, {}).get(idnum)
        free = self.xref_free_entry.get(generation, {}).get(idnum, False)
        if offset is None or free or key in self._reading:
            self.handed_over += 1
            return super().get_object(indirect_reference)
        self._reading.add(key)
        try:
            obj = self._object_at(offset, idnum, generation)
        except Unread:
            self.handed_over += 1
            return super().get_object(indirect_reference)
        finally:
            self._reading.discard(key)
        self.cache_indirect_object(generation, idnum, obj)
        return obj

    # -- the cross-reference table ------------------------------------------------------

    def _read_tables(self, data: bytes) -> None:
        """Fill pypdf's ``xref``, ``xref_free_entry`` and ``trailer`` as its own ``read``
        does for classic tables: newest section first, an entry or trailer key once set kept."""
        if not data.startswith(b"%PDF-"):
            raise Unread("no PDF header")
        found = STARTXREF.search(data, max(0, len(data) - 1024))
        if found is None:
            raise Unread("no startxref at the end")
        self._startxref = int(found[1])
        at: int | None = self._startxref
        self.xref, self.xref_free_entry, self.xref_objStm = {}, {}, {}
        self.trailer = DictionaryObject()
        seen: set[int] = set()
        while at is not None:
            if at in seen or len(seen) > _MAX_DEPTH:
                raise Unread("a loop of /Prev sections")
            seen.add(at)
            trailer = self._read_section(data, at)
            for name, value in trailer.items():
                if name not in self.trailer:
                    self.trailer[name] = value
            prev = trailer.raw_get("/Prev") if "/Prev" in trailer else None
            if prev is not None and (type(prev) is not NumberObject or prev < 0):
                raise Unread("a /Prev that is not an offset")
            at = None if prev is None else int(prev)
        if "/Encrypt" in self.trailer or "/XRefStm" in self.trailer or "/Root" not in self.trailer:
            raise Unread("encrypted, hybrid or without a root")

    def _read_section(self, data: bytes, at: int) -> DictionaryObject:
        start = _XREF.match(data, at)
        if start is None:
            raise Unread("not a classic cross-reference table")
        pos = start.end()
        while (head := _SUBSECTION.match(data, pos)) is not None:
            first, count = int(head[1]), int(head[2])
            pos = head.end()
            block = data[pos : pos + 20 * count]
            entries = _ENTRY.findall(block)  # each exactly 20 bytes: all of block, no gaps
            if len(block) != 20 * count or len(entries) != count:
                raise Unread("a cross-reference entry not 20 bytes")
            for number, (offset, written, kind) in enumerate(entries, start=first):
                generation = int(written)
                numbers = self.xref.setdefault(generation, {})
                free = self.xref_free_entry.setdefault(generation, {})
                if number in numbers:
                    continue  # a newer section has it in use (a newer free entry does not
                    # count: pypdf lets an older section's in-use entry win over it)
                if kind == b"n":
                    numbers[number] = int(offset)
                free[number] = kind == b"f"
            pos += 20 * count
        tail = _TRAILER.match(data, pos)
        if tail is None:
            raise Unread("no trailer after the table")
        trailer = self._value(data, tail.end())[0]
        if not isinstance(trailer, DictionaryObject):
            raise Unread("the trailer is not a dictionary")
        return trailer

    # -- objects ------------------------------------------------------------------------

    def _object_at(self, offset: int, idnum: int, generation: int) -> PdfObject:
        data = self._data
        assert data is not None
        head = _HEADER.match(data, offset)
        if head is None or int(head[1]) != idnum or int(head[2]) != generation:
            raise Unread("the header does not match the table")  # pypdf repairs it its way
        pos = _SKIP.match(data, head.end()).end()  # type: ignore[union-attr]
        if _ENDOBJ.match(data, pos):
            return NullObject()
        value, pos = self._value(data, pos)
        if isinstance(value, DictionaryObject):
            begins = _STREAM.match(data, pos)
            if begins is not None:
                return self._stream(data, value, begins.end())
        return value

    def _stream(self, data: bytes, entries: DictionaryObject, at: int) -> StreamObject:
        written = entries.raw_get("/Length") if "/Length" in entries else None
        length = written.get_object() if isinstance(written, IndirectObject) else written
        if (
            not isinstance(length, int)
            or isinstance(length, bool)
            or not 0 <= length <= _MAX_STREAM
        ):
            raise Unread("a stream without a usable /Length")
        if _ENDSTREAM.match(data, at + length) is None:
            raise Unread("/Length does not end at endstream")
        fields: dict[Any, Any] = dict(entries)
        fields["__streamdata__"] = data[at : at + length]
        return StreamObject.initialize_from_dictionary(fields)

    def _value(self, data: bytes, pos: int) -> tuple[PdfObject, int]:
        """The object starting at ``pos`` (whitespace before it skipped) and where it ends.

        One loop with a stack of open arrays and dictionaries rather than a call per value:
        a tagged PDF's objects are mostly short names, numbers and references.
        """
        stack: list[list[Any]] = []  # [container, the key waiting for its value or None]
        match = _TOKEN.match
        while True:
            token = match(data, pos)
            if token is None:
                raise Unread(f"an unexpected byte at {pos}")
            kind, pos = token.lastgroup, token.end()
            value: PdfObject
            if kind == "name":
                value = _name(token["name"]) if stack else NameObject(_name(token["name"]))
            elif kind == "ref":
                if token.end() - token.start("ref") > _MAX_REF_TEXT:
                    raise Unread("a reference pypdf would not see as one")
                value = IndirectObject(int(token[2]), int(token[3]), self)
            elif kind == "num":
                value = _number(token["num"]) if stack else _number(token["num"], fresh=True)
            elif kind == "open":
                if len(stack) >= _MAX_DEPTH:
                    raise Unread("nested too deep")
                opened = ArrayObject() if token["open"] == b"[" else DictionaryObject()
                stack.append([opened, None])
                continue
            elif kind == "close":
                if not stack:
                    raise Unread("a close with nothing open")
                value, key = stack.pop()
                if (token["close"] == b"]") != isinstance(value, ArrayObject) or key is not None:
                    raise Unread("a close that does not match")
            elif kind == "str":
                value, pos = _literal(data, pos)
            elif kind == "hex":
                digits = re.sub(rb"[\t\n\r ]", b"", token["hex"][1:-1])
                if len(digits) % 2:
                    digits += b"0"
                value = create_string_object(bytes.fromhex(digits.decode("ascii")))
            else:
                word = token["kw"]
                value = NullObject() if word == b"null" else BooleanObject(word == b"true")
            if not stack:
                return value, pos
            top = stack[-1]
            container = top[0]
            if len(container) >= _MAX_ENTRIES:
                raise Unread("a container pypdf may refuse as too big")
            if type(container) is ArrayObject:
                container.append(value)
            elif top[1] is None:
                if not isinstance(value, NameObject):
                    raise Unread("a dictionary key that is not a name")
                top[1] = value
            else:
                if top[1] not in container:  # pypdf keeps the first of a repeated key
                    dict.__setitem__(container, top[1], value)
                top[1] = None


def _name(raw: bytes) -> NameObject:
    """A name as pypdf's ``NameObject.read_from_stream`` decodes it (shared: names are
    immutable, and the same few dozen make up most of a tagged PDF)."""
    known = _NAMES.get(raw)
    if known is not None:
        return known
    if len(raw) >= _MAX_NAME:
        raise Unread("a name longer than pypdf reads")
    name = _decode_name(raw)
    if len(_NAMES) < _MAX_SHARED and len(raw) <= 64:
        _NAMES[raw] = name
    return name


def _decode_name(raw: bytes) -> NameObject:
    if b"#" not in raw and raw.isascii():
        return NameObject(raw.decode("ascii"))
    decoded = NameObject.unnumber(raw)
    for charset in NameObject.CHARSETS:
        try:
            return NameObject(decoded.decode(charset))
        except UnicodeDecodeError:
            continue
    raise Unread("a name pypdf decodes with a warning")


def _number(text: bytes, *, fresh: bool = False) -> PdfObject:
    """An integer or a real as pypdf makes them (small integers shared unless ``fresh``)."""
    if len(text) >= 20:
        raise Unread("a long number")
    if b"." in text:
        return FloatObject(text)
    known = None if fresh else _NUMBERS.get(text)
    if known is None:
        known = NumberObject(text)
        if not fresh and len(_NUMBERS) < _MAX_SHARED:
            _NUMBERS[text] = known
    return known


def _literal(data: bytes, pos: int) -> tuple[PdfObject, int]:
    """A literal string whose ``(`` ended at ``pos``, as pypdf's ``read_string_from_stream``."""
    depth, start, escaped = 1, pos, False
    while True:
        stop = _STRING_STOP.search(data, pos)
        if stop is None:
            raise Unread("a string that does not end")
        pos = stop.end()
        char = stop[0]
        if char == b"\\":
            escaped = True
            pos += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                break
    raw = data[start : pos - 1]
    return create_string_object(_unescape(raw) if escaped else raw), pos


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1] if i + 1 < n else None
        if nxt is None:
            raise Unread("a backslash at the end of a string")
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif 0x30 <= nxt <= 0x37:
            digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            assert digits is not None
            value = int(digits[0], 8)
            if value > 255:
                raise Unread("an octal escape over 255")
            out.append(value)
            i += 1 + len(digits[0])
        elif nxt in b"\r\n":
            i += 2  # an escaped line break: nothing, and pypdf takes one more CR or LF with it
            if i < n and raw[i] in b"\r\n":
                i += 1
        else:
            raise Unread("an escape pypdf reads with a warning")
    return bytes(out)
