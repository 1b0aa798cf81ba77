"""PDF finishing without LibreOffice: pypdf-made PDFs, so these run anywhere and fast."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter

from pipeline.pdf.finish import PdfMetadata, finalize_pdf, inspect_pdf, stamp_draft

META = PdfMetadata(title="Charging policy", subject="Care", author="Policy team", keywords="a, b")


def blank_pdf(path: Path, sizes: list[tuple[float, float]]) -> Path:
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width, height)
    writer.write(path)
    return path


def test_finalize_adds_language_title_and_viewer_preference(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf", [(595.3, 841.9)])
    finalize_pdf(pdf, META)
    report = inspect_pdf(pdf)
    assert report.lang == "en-GB"
    assert report.display_doc_title
    assert report.title == "Charging policy"
    assert report.page_size_mm == [(210.0, 297.0)]
    assert "DRAFT" not in report.text
    assert list(tmp_path.iterdir()) == [pdf]  # the temp file was renamed into place


def test_draft_stamp_on_every_page_any_size_with_embedded_font(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf", [(595.3, 841.9), (841.9, 595.3), (300, 300)])
    finalize_pdf(pdf, META, draft=True)
    reader = PdfReader(pdf)
    assert [p.extract_text().strip() for p in reader.pages] == ["DRAFT"] * 3
    assert inspect_pdf(pdf).fonts_embedded  # a Type 3 font carries its own glyphs


def test_stamping_a_finished_pdf_keeps_what_finishing_wrote(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf", [(595.3, 841.9), (841.9, 595.3)])
    finalize_pdf(pdf, META)
    finished = pdf.read_bytes()
    stamp_draft(pdf)
    assert pdf.read_bytes().startswith(finished)  # appended, nothing rewritten
    reader = PdfReader(pdf)
    assert [p.extract_text().strip() for p in reader.pages] == ["DRAFT"] * 2
    report = inspect_pdf(pdf)
    assert (report.title, report.lang, report.display_doc_title) == (
        "DRAFT – Charging policy",  # a DRAFT says so in its title, not only in ink
        "en-GB",
        True,
    )
    assert report.fonts_embedded
    assert list(tmp_path.iterdir()) == [pdf]


def test_a_draft_copy_is_stamped_from_the_master_which_is_left_as_it_was(
    tmp_path: Path,
) -> None:
    master = blank_pdf(tmp_path / "master.pdf", [(595.3, 841.9)])
    finalize_pdf(master, META)
    finished = master.read_bytes()
    copy = tmp_path / "out" / "copy.pdf"
    copy.parent.mkdir()
    stamp_draft(master, dest=copy)
    assert master.read_bytes() == finished
    assert copy.read_bytes().startswith(finished)  # the master's bytes, then the stamp
    assert [p.extract_text().strip() for p in PdfReader(copy).pages] == ["DRAFT"]
    assert inspect_pdf(copy).title == "DRAFT – Charging policy"


def test_existing_language_is_kept(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf", [(595.3, 841.9)])
    finalize_pdf(pdf, PdfMetadata("t", "s", "a", "k", language="cy-GB"))
    finalize_pdf(pdf, META, draft=True)  # en-GB must not overwrite the document's own
    assert inspect_pdf(pdf).lang == "cy-GB"
