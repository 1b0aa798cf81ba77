"""Change a PDF by appending an incremental update: the original bytes are never rewritten.

Why not pypdf's ``PdfWriter(clone_from=...)``: cloning parses and re-serialises every object
of the file, and a tagged PDF is mostly structure tree (hundreds of small objects), so it
cost ~80 ms per document and was half of the pipeline's own CPU in a batch. An incremental
update (ISO 32000-1, 7.5.6) appends only the objects that changed plus a small cross
reference section pointing back to the original one. Everything not touched (structure
tree, marked content, outline, fonts) is kept byte for byte, which is also the safest way
to keep a PDF accessible. Readers and validators treat the result as the same document;
PDF/A allows incremental updates.

LibreOffice writes classic cross-reference tables. A file that instead uses cross-reference
streams (or is encrypted) is first rewritten whole by pypdf, then updated the same way.

The objects an update reads are read by :class:`~pipeline.pdf.objects.FastPdfReader`
(pypdf's reader with a faster parser) and the changed ones written by :func:`serialise`
(pypdf's format, names escaped once per process): both were most of the time left in
finishing a PDF once cloning was gone, and both give pypdf's bytes exactly
(``tests/pdf/test_objects.py``).
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from pipeline.pdf.objects import STARTXREF, FastPdfReader


class PdfUpdate:
    """The objects of one PDF, read lazily, and the changes to append on :meth:`write`.

    Objects reached through :meth:`edit` or :attr:`root` are parsed once and may be changed
    in place; :meth:`add` numbers a new object. Nothing touches the file until ``write``.
    """

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        reader: PdfReader = FastPdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValueError("the PDF is encrypted")
        if not _classic_xref(data):
            data = _rewrite_classic(reader)
            reader = FastPdfReader(io.BytesIO(data))
        self.data = data
        self.reader = reader
        self.trailer = reader.trailer
        self._prev = _startxref(data)
        size = self.trailer.get("/Size")
        if not isinstance(size, int):
            raise ValueError("the PDF's trailer has no /Size")
        self._size = size
        self._next = size
        self._changed: dict[int, tuple[int, PdfObject]] = {}
        self._info: PdfObject | None = None

    @property
    def root(self) -> DictionaryObject:
        return self.edit(self.trailer.raw_get("/Root"))

    def edit(self, ref: PdfObject) -> DictionaryObject:
        """The dictionary behind ``ref``, marked as changed if it is an indirect object."""
        obj = ref.get_object() if isinstance(ref, IndirectObject) else ref
        if not isinstance(obj, DictionaryObject):
            raise ValueError(f"expected a PDF dictionary, found {type(obj).__name__}")
        if isinstance(ref, IndirectObject):
            self._changed[ref.idnum] = (ref.generation, obj)
        return obj

    def edit_entry(self, parent: DictionaryObject, key: str) -> DictionaryObject:
        """``parent[key]`` as a dictionary to change, creating it (inline) if it is missing."""
        value = parent.raw_get(key) if key in parent else None
        if value is None or not isinstance(value.get_object(), DictionaryObject):
            fresh = DictionaryObject()
            parent[NameObject(key)] = fresh
            return fresh
        return self.edit(value)

    def edit_pages(self) -> list[PageObject]:
        """Every page, each marked as changed.

        pypdf's page objects are copies (with inherited attributes filled in), so each copy
        is what gets written under the page's own object number.
        """
        pages = list(self.reader.pages)
        for page in pages:
            ref = page.indirect_reference
            if ref is None:
                raise ValueError("a page is not an indirect object")
            self._changed[ref.idnum] = (ref.generation, page)
        return pages

    def add(self, obj: PdfObject) -> IndirectObject:
        """Give ``obj`` a new object number; it is written with the update."""
        if type(obj) is NameObject:  # the reader shares names and numbers: never stamp one
            obj = NameObject(obj)
        elif type(obj) is NumberObject:
            obj = NumberObject(obj)
        number = self._next
        self._next += 1
        self._changed[number] = (0, obj)
        # resolvable at once, so a later step walking the structure finds what this one added
        self.reader.cache_indirect_object(0, number, obj)
        return IndirectObject(number, 0, self.reader)

    def add_stream(self, data: bytes) -> IndirectObject:
        """A new stream object holding ``data`` (uncompressed)."""
        stream = DecodedStreamObject()
        stream.set_data(data)
        return self.add(stream)

    def set_info(self, values: dict[str, PdfObject]) -> None:
        """Merge ``values`` into the document information dictionary (made if missing)."""
        ref = self.trailer.raw_get("/Info") if "/Info" in self.trailer else None
        if isinstance(ref, IndirectObject) and isinstance(ref.get_object(), DictionaryObject):
            info = self.edit(ref)
        else:
            info = DictionaryObject()
            ref = self.add(info)
        self._info = ref
        for key, value in values.items():
            info[NameObject(key)] = value

    def save(self, path: Path) -> None:
        """:meth:`write` to a file (for :func:`pipeline.atomic.replace_with`)."""
        with open(path, "wb") as fh:
            self.write(fh)

    def write(self, out: io.BufferedIOBase | io.BytesIO) -> None:
        """The original bytes, then the changed objects, their xref section and trailer
        (or just the original bytes when nothing changed)."""
        if not self._changed:  # an empty xref section is not valid PDF: keep the file as it is
            out.write(self.data)
            return
        body = io.BytesIO()
        body.write(self.data)
        if not self.data.endswith(b"\n"):
            body.write(b"\n")
        offsets: dict[int, tuple[int, int]] = {}
        for number, (generation, obj) in sorted(self._changed.items()):
            offsets[number] = (body.tell(), generation)
            body.write(f"{number} {generation} obj\n".encode("ascii"))
            body.write(serialise(obj))
            body.write(b"\nendobj\n")
        xref_at = body.tell()
        body.write(b"xref\n")
        for start, run in _runs(sorted(offsets)):
            body.write(f"{start} {len(run)}\n".encode("ascii"))
            for number in run:
                offset, generation = offsets[number]
                body.write(f"{offset:010d} {generation:05d} n\r\n".encode("ascii"))
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(max(self._next, self._size)),
                NameObject("/Root"): self.trailer.raw_get("/Root"),
                NameObject("/Prev"): NumberObject(self._prev),
            }
        )
        info = self._info or (self.trailer.raw_get("/Info") if "/Info" in self.trailer else None)
        if info is not None:
            trailer[NameObject("/Info")] = info
        ids = self.trailer.get("/ID")
        if isinstance(ids, ArrayObject):  # kept byte for byte, whatever pypdf decoded them as
            trailer[NameObject("/ID")] = ArrayObject(
                ByteStringObject(getattr(i, "original_bytes", i)) for i in ids
            )
        body.write(b"trailer\n")
        trailer.write_to_stream(body)
        body.write(f"\nstartxref\n{xref_at}\n%%EOF\n".encode("ascii"))
        out.write(body.getvalue())


def serialise(obj: PdfObject) -> bytes:
    """``obj`` as pypdf's ``write_to_stream`` writes it, byte for byte.

    Dictionaries, arrays, names, numbers and references (nearly all of a structure tree) are
    written here, names from a cache: pypdf escapes a name character by character on every
    write (``NameObject.renumber``, among the top entries of ``benchmarks/profile.py`` at
    442b1ce). Everything else (strings, reals,
    streams, pypdf's subclasses) is written by pypdf itself.
    """
    parts: list[bytes] = []
    _serialise(obj, parts)
    return b"".join(parts)


def _serialise(obj: PdfObject, parts: list[bytes]) -> None:
    if type(obj) is NameObject:
        parts.append(name_bytes(obj))
    elif type(obj) is IndirectObject:
        parts.append(b"%d %d R" % (obj.idnum, obj.generation))
    elif type(obj) is NumberObject:
        parts.append(b"%d" % obj)
    elif type(obj) is ArrayObject:
        parts.append(b"[")
        for item in obj:
            parts.append(b" ")
            _serialise(item, parts)
        parts.append(b" ]")
    elif type(obj) is DictionaryObject:
        parts.append(b"<<\n")
        for key, value in obj.items():
            if len(key) > 2 and key[1] == "%" and key[-1] == "%":
                continue  # pypdf's own bookkeeping keys are never written
            _serialise(key, parts)
            parts.append(b" ")
            _serialise(value, parts)
            parts.append(b"\n")
        parts.append(b">>")
    else:
        out = io.BytesIO()
        obj.write_to_stream(out)
        parts.append(out.getvalue())


_NAME_BYTES: dict[str, bytes] = {}


def name_bytes(name: NameObject) -> bytes:
    """``name`` as a PDF file writes it (``/Numbered#20Paragraph``), escaped by pypdf once."""
    written = _NAME_BYTES.get(name)
    if written is None:
        written = name.renumber()
        if len(_NAME_BYTES) < 4096 and len(name) <= 64:  # bounded: names come from forms too
            _NAME_BYTES[str(name)] = written
    return written


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    """Consecutive object numbers grouped into xref subsections."""
    runs: list[tuple[int, list[int]]] = []
    for n in numbers:
        if runs and runs[-1][1][-1] == n - 1:
            runs[-1][1].append(n)
        else:
            runs.append((n, [n]))
    return runs


def _startxref(data: bytes) -> int:
    match = STARTXREF.search(data[-1024:])
    if match is None:
        raise ValueError("not a complete PDF: no startxref at the end")
    return int(match.group(1))


def _classic_xref(data: bytes) -> bool:
    """True if the last cross-reference section is a classic ``xref`` table."""
    try:
        at = _startxref(data)
    except ValueError:
        return False
    return data[at : at + 4] == b"xref"


def _rewrite_classic(reader: PdfReader) -> bytes:
    """The whole document rewritten by pypdf, which writes a classic xref table."""
    writer = PdfWriter(clone_from=reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
