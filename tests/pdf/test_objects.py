"""The fast object reader reads what pypdf's reader reads, and finishing gives the same bytes.

pypdf's own ``PdfReader`` is the oracle throughout; the files are LibreOffice's, finished
ones (with incremental updates), and ones hypothesis makes from values pypdf writes.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

import pipeline.pdf.update
from pipeline.convert.oneshot import pdf_export_argument
from pipeline.pdf.finish import PdfMetadata, finalize_pdf, stamp_draft
from pipeline.pdf.objects import FastPdfReader
from pipeline.pdf.update import serialise
from tests.helpers.pdf_objects import classic_pdf, plain
from tests.helpers.soffice import libreoffice

pytestmark = pytest.mark.requires_libreoffice


@pytest.fixture(scope="module")
def unfinished(sample_outbox: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """LibreOffice's own PDFs (not finished) of the sample outbox's documents, one per kind."""
    work = tmp_path_factory.mktemp("unfinished")
    made = []
    for kind in ("policy", "implementation-plan", "consultation-response", "changes-since-"):
        found = sorted(sample_outbox.rglob(f"{kind}*.docx"))
        if kind != "changes-since-":
            assert found, kind
        for docx in found[:1]:
            copy = shutil.copyfile(docx, work / f"{kind.strip('-')}.docx")
            made.append(libreoffice(copy, pdf_export_argument(False), work / "pdf"))
    return made


def outcome(reader: PdfReader, number: int, generation: int) -> object:
    """The object, or the exception pypdf raises for it (a bare reference as a whole object
    is one: pypdf cannot note where it came from)."""
    try:
        return plain(reader.get_object(IndirectObject(number, generation, reader)))
    except Exception as exc:  # noqa: BLE001 - whatever it is, both readers must agree
        return ("raises", type(exc).__name__)


def assert_reads_as_pypdf(data: bytes) -> FastPdfReader:
    fast, oracle = FastPdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(data))
    assert plain(fast.trailer) == plain(oracle.trailer)
    assert fast.xref == oracle.xref
    for generation, numbers in oracle.xref.items():
        for number in numbers:
            ours, theirs = outcome(fast, number, generation), outcome(oracle, number, generation)
            assert ours == theirs, (number, generation)
    return fast


def test_libreoffice_pdfs_read_as_pypdf_reads_them_on_the_fast_path(
    unfinished: list[Path], sample_outbox: Path
) -> None:
    finished = sorted(sample_outbox.rglob("*.pdf"))  # incremental updates: several sections
    assert len(unfinished) >= 3 and finished
    for path in [*unfinished, *finished]:
        reader = assert_reads_as_pypdf(path.read_bytes())
        assert reader.fast and reader.handed_over == 0, path


def test_finishing_gives_the_bytes_pypdfs_reader_gives(
    unfinished: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = PdfMetadata(title="Carers (respite) – ‘policy’", subject="s", author="a", keywords="k")

    def finish_all(into: Path) -> list[bytes]:
        into.mkdir()
        out = []
        for path in unfinished:
            for draft in (False, True):
                dest = into / f"{path.stem}-{draft}.pdf"
                shutil.copyfile(path, dest)
                finalize_pdf(dest, meta, draft=draft)
                out.append(dest.read_bytes())
            stamp_draft(into / f"{path.stem}-False.pdf", dest=into / "copy.pdf")
            out.append((into / "copy.pdf").read_bytes())
        return out

    ours = finish_all(tmp_path / "fast")
    monkeypatch.setattr(pipeline.pdf.update, "FastPdfReader", PdfReader)  # pypdf's own reader
    assert ours == finish_all(tmp_path / "pypdf")


# -- values hypothesis makes, written by pypdf ---------------------------------------------

names = st.text(min_size=0, max_size=12).map(lambda s: NameObject("/" + s))
leaves = st.one_of(
    names,
    st.integers(-(10**12), 10**12).map(NumberObject),
    st.floats(-1e6, 1e6, allow_nan=False).map(FloatObject),
    st.text(max_size=30).map(TextStringObject),
    st.binary(max_size=30).map(ByteStringObject),
    st.booleans().map(BooleanObject),
    st.just(NullObject()),
    st.tuples(st.integers(1, 9), st.integers(0, 2)).map(lambda t: IndirectObject(*t, None)),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6).map(ArrayObject),
        st.dictionaries(names, inner, max_size=6).map(DictionaryObject),
    ),
    max_leaves=30,
)


def written(obj: PdfObject) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(st.lists(values, min_size=1, max_size=4))
def test_any_values_pypdf_writes_read_back_as_pypdf_reads_them(objects: list[PdfObject]) -> None:
    data = classic_pdf([written(obj) for obj in objects])
    reader = assert_reads_as_pypdf(data)
    assert reader.fast
    for obj in objects:  # and written as pypdf writes them
        assert serialise(obj) == written(obj)


fragments = st.sampled_from(
    [b"a", b" ", b"\\n", b"\\r", b"\\t", b"\\b", b"\\f", b"\\(", b"\\)", b"\\\\", b"\\/",
     b"\\0", b"\\53", b"\\053", b"\\0537", b"\\377", b"\\400", b"\\777", b"\\8", b"\\q",
     b"\\\n", b"\\\r\n", b"\\\r\r", b"\r\n", b"\xff", b"\x00", b"endobj", b"%", b"R"]
)  # fmt: skip
literals = st.recursive(
    st.lists(fragments, max_size=8).map(b"".join),
    lambda inner: st.tuples(inner, inner, inner).map(lambda t: t[0] + b"(" + t[1] + b")" + t[2]),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(literals, min_size=1, max_size=4))
def test_literal_strings_with_any_escapes_read_as_pypdf_reads_them(texts: list[bytes]) -> None:
    """Escapes pypdf reads its own way (``\\q``, ``\\777``) are handed to pypdf, not guessed."""
    assert_reads_as_pypdf(classic_pdf([b"[(" + t + b") 1]" for t in texts]))


@pytest.mark.parametrize(
    "body",
    [
        b"<< /Length 5 >>\nstream\nabc\nendstream",  # /Length past endstream's start
        b"<< /A 1 /A 2 >>",  # a repeated key: pypdf keeps the first
        b"<< /A <4142 43> /B <414> >>",  # hex with a space, and an odd digit count
        b"[1 0 R 2 0 R -3 +4 .5 6. null true false]",
        b"<< /K [ 3 0 R ] % a comment\n /S /P >>",
        b"1 2",  # two values where one object should be
        b"<< /A#20B /C#2x >>",  # names with #-escapes, one not hex
        b"[" + b" 0" * 100_001 + b" ]",  # more entries than pypdf reads: pypdf refuses it
    ],
)
def test_odd_objects_read_as_pypdf_reads_them(body: bytes) -> None:
    assert_reads_as_pypdf(classic_pdf([body]))


def test_a_header_that_does_not_match_its_entry_is_pypdfs_to_repair() -> None:
    data = classic_pdf([b"(x)"]).replace(b"3 0 obj\n(x)", b"9 0 obj\n(x)")
    reader = assert_reads_as_pypdf(data)
    assert reader.handed_over >= 1


def test_a_file_it_cannot_read_is_read_by_pypdf_whole() -> None:
    data = classic_pdf([b"(x)"]).replace(b"00000 n \n", b"00000 n\n")  # 19-byte entries
    reader = assert_reads_as_pypdf(data)
    assert not reader.fast


def test_a_prev_that_is_not_an_offset_is_pypdfs_to_read() -> None:
    data = classic_pdf([b"(x)"]).replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev 3 0 R >>")
    outcomes = []
    for reader in (FastPdfReader, PdfReader):
        try:
            outcomes.append(plain(reader(io.BytesIO(data)).trailer))
        except Exception as exc:  # noqa: BLE001 - both readers must agree, whatever it is
            outcomes.append(type(exc).__name__)
    assert outcomes[0] == outcomes[1]


def test_an_object_freed_in_a_newer_section_reads_as_pypdf_reads_it() -> None:
    """pypdf lets an older section's in-use entry win over a newer free one of the same
    generation; the fast path keeps the same table."""
    data = classic_pdf([b"(kept)"])
    first = int(data[data.rindex(b"startxref") + 10 :].split()[0])
    update = (
        b"xref\n3 1\n0000000000 00000 f \ntrailer\n<< /Size 4 /Root 1 0 R /Prev %d >>\n" % first
    )
    data += update + b"startxref\n%d\n%%%%EOF\n" % len(data)
    reader = assert_reads_as_pypdf(data)
    assert reader.fast
