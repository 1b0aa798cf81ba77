"""Row headers on structure trees shaped like LibreOffice's (the real ones: tests/test_run.py)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, PdfObject

from pipeline.pdf.tables import mark_row_headers, table_tags
from pipeline.pdf.update import PdfUpdate


def _elem(writer: PdfWriter, role: str, kids: list[PdfObject], **extra: PdfObject) -> PdfObject:
    d = DictionaryObject({NameObject("/Type"): NameObject("/StructElem")})
    d[NameObject("/S")] = NameObject(role)
    d[NameObject("/K")] = ArrayObject(kids)
    for key, value in extra.items():
        d[NameObject(f"/{key}")] = value
    ref = writer._add_object(d)
    for kid in kids:  # /P, the parent, as the PDF reference requires (and LibreOffice writes)
        kid.get_object()[NameObject("/P")] = ref
    return ref


def _table(writer: PdfWriter, rows: list[list[tuple[str, str]]]) -> PdfObject:
    """rows of (cell role, paragraph role) pairs."""
    trs = [
        _elem(writer, "/TR", [_elem(writer, cell, [_elem(writer, para, [])]) for cell, para in row])
        for row in rows
    ]
    return _elem(writer, "/Table", trs)


def tagged_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    label = [("/TD", "/Policy Details Label"), ("/TD", "/Table Text")]
    details = _table(writer, [label, label, label])
    data = _table(
        writer,
        [[("/TH", "/Table Heading")] * 2, [("/TD", "/Policy Details Label"), ("/TD", "/P")]],
    )
    plain = _table(writer, [[("/TD", "/P"), ("/TD", "/P")]])
    doc = _elem(writer, "/Document", [details, data, plain])
    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    tree[NameObject("/K")] = doc
    writer.root_object[NameObject("/StructTreeRoot")] = writer._add_object(tree)
    writer.write(path)
    return path


def _mark(path: Path) -> int:
    update = PdfUpdate(path)
    changed = mark_row_headers(update)
    with open(path, "wb") as fh:
        update.write(fh)
    return changed


def test_only_the_details_tables_label_column_becomes_row_headers(tmp_path: Path) -> None:
    pdf = tagged_pdf(tmp_path / "t.pdf")
    assert table_tags(pdf) == [["TD TD"] * 3, ["TH TH", "TD TD"], ["TD TD"]]
    assert _mark(pdf) == 3
    assert table_tags(pdf) == [["TH/Row TD"] * 3, ["TH TH", "TD TD"], ["TD TD"]]


def test_marking_twice_changes_nothing_more(tmp_path: Path) -> None:
    pdf = tagged_pdf(tmp_path / "t.pdf")
    _mark(pdf)
    before = pdf.read_bytes()
    assert _mark(pdf) == 0
    assert pdf.read_bytes() == before  # nothing to change: not even an empty update


def test_a_pdf_without_structure_is_left_alone(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(tmp_path / "plain.pdf")
    assert _mark(tmp_path / "plain.pdf") == 0
    assert table_tags(tmp_path / "plain.pdf") == []
