"""Incremental updates: the original bytes stay, the change reads back in pypdf and poppler."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from pipeline.pdf.update import PdfUpdate


def blank_pdf(path: Path, pages: int = 2) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595.3, 841.9)
    writer.add_metadata({"/Title": "Before", "/Producer": "test"})
    writer.write(path)
    return path


def xref_stream_pdf(path: Path) -> Path:
    """A one-page PDF whose cross-reference section is a stream (PDF 1.5 style)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = out.tell()
    rows = b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"
    for offset in [*offsets, xref_at]:
        rows += b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00"
    out.write(
        b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(rows)
    )
    out.write(rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    path.write_bytes(out.getvalue())
    return path


def set_title(path: Path, title: str) -> None:
    update = PdfUpdate(path)
    update.set_info({"/Title": TextStringObject(title)})
    update.root[NameObject("/Lang")] = TextStringObject("en-GB")
    with open(path, "wb") as fh:
        update.write(fh)


def test_update_appends_and_keeps_every_original_byte(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf")
    original = pdf.read_bytes()
    set_title(pdf, "After")
    updated = pdf.read_bytes()
    assert updated.startswith(original)
    reader = PdfReader(pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == "After"
    assert reader.metadata.producer == "test"  # entries not set are kept
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert len(reader.pages) == 2


def test_updates_chain(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf")
    set_title(pdf, "First")
    set_title(pdf, "Second")
    assert pdf.read_bytes().count(b"startxref") == 3
    meta = PdfReader(pdf).metadata
    assert meta is not None and meta.title == "Second"


def test_new_objects_are_numbered_after_the_original(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf")
    size = int(PdfReader(pdf).trailer["/Size"])
    update = PdfUpdate(pdf)
    ref = update.add(TextStringObject("x"))
    assert ref.idnum == size
    with open(pdf, "wb") as fh:
        update.write(fh)
    assert int(PdfReader(pdf).trailer["/Size"]) == size + 1


def test_a_cross_reference_stream_file_is_rewritten_then_updated(tmp_path: Path) -> None:
    pdf = xref_stream_pdf(tmp_path / "x.pdf")
    assert len(PdfReader(pdf).pages) == 1  # the fixture itself is a valid PDF
    set_title(pdf, "Updated")
    meta = PdfReader(pdf).metadata
    assert meta is not None and meta.title == "Updated"


def test_not_a_complete_pdf_is_refused(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf")
    pdf.write_bytes(pdf.read_bytes()[:-200])
    with pytest.raises(Exception):  # noqa: B017 - pypdf or we refuse; either way no output
        set_title(pdf, "x")


def test_poppler_reads_the_update_without_repairing_it(tmp_path: Path) -> None:
    pdf = blank_pdf(tmp_path / "a.pdf")
    set_title(pdf, "Read by poppler")
    # poppler-utils comes with `make` (scripts/install-system.sh)
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Title:           Read by poppler" in done.stdout
    assert done.stderr == ""  # poppler says "Syntax Error" when it has to rebuild the xref
