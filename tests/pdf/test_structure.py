"""The PDFs the sample forms produce pass PDF/UA-1 as checked by page-validation.

page-validation (PyPI ``page-validation``, imported as ``page``) is an independent PDF/UA-1
and PDF/A checker nobody here wrote (104 machine-checkable PDF/UA-1 rules, no Java). The
samples include a policy with a link (its pages carry annotations, so ``/Tabs /S`` matters)
and a DRAFT.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import page
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from pipeline import atomic
from pipeline.pdf.update import PdfUpdate

pytestmark = [pytest.mark.requires_libreoffice, pytest.mark.slow]


def failures(pdf: Path) -> list[str]:
    report = page.validate_pdf(pdf, profile="ua1")
    return [f"{pdf.name}: {f.rule_id}: {f.message}" for f in report.failures]


def test_every_sample_pdf_passes_pdf_ua_1(sample_outbox: Path) -> None:
    pdfs = sorted(sample_outbox.rglob("*.pdf"))
    assert len(pdfs) >= 6
    assert [f for pdf in pdfs for f in failures(pdf)] == []


def linked_policy(outbox: Path) -> Path:
    for pdf in sorted(outbox.glob("*/*/policy.pdf")):
        if any("/Annots" in p for p in PdfReader(pdf).pages):
            return pdf
    raise AssertionError("no sample policy has a link")


def test_a_policy_with_a_link_tabs_in_structure_order(sample_outbox: Path) -> None:
    reader = PdfReader(linked_policy(sample_outbox))
    tabs = [p.get("/Tabs") for p in reader.pages if "/Annots" in p]
    assert tabs and all(isinstance(t, NameObject) and t == "/S" for t in tabs)


def test_the_validator_fails_the_string_tabs_libreoffice_writes(
    sample_outbox: Path, tmp_path: Path
) -> None:
    """The check can fail: put back LibreOffice 7.4's ``/Tabs (S)`` and it does."""
    pdf = shutil.copy(linked_policy(sample_outbox), tmp_path / "policy.pdf")
    update = PdfUpdate(pdf)
    for p in update.edit_pages():
        if "/Annots" in p:
            p[NameObject("/Tabs")] = TextStringObject("S")
    atomic.replace_with(pdf, update.save)
    assert any("PDFUA1-PAGE-TABS-001" in f for f in failures(pdf))


def test_the_title_is_a_heading(sample_outbox: Path) -> None:
    reader = PdfReader(linked_policy(sample_outbox))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    assert tree["/RoleMap"]["/Title"] == "/H1"


def test_a_draft_says_draft_in_its_title_and_in_tagged_text(sample_outbox: Path) -> None:
    drafts = [
        pdf
        for pdf in sorted(sample_outbox.glob("*/*/policy.pdf"))
        if str(PdfReader(pdf).metadata.title).startswith("DRAFT – ")
    ]
    assert drafts, "the sample framework policy is a DRAFT until it is signed off"
    for pdf in drafts:
        reader = PdfReader(pdf)
        top = reader.trailer["/Root"]["/StructTreeRoot"]["/K"].get_object()
        document = (top[0] if isinstance(top, ArrayObject) else top).get_object()
        first = document["/K"][0].get_object()
        assert isinstance(first, DictionaryObject) and first["/S"] == "/P"
        mcid = int(first["/K"])
        contents = first["/Pg"].get_object()["/Contents"]
        streams = contents if isinstance(contents, ArrayObject) else [contents]
        data = b"".join(s.get_object().get_data() for s in streams)
        assert f"/P <</MCID {mcid}>> BDC".encode() in data
        tagged = data.split(f"/MCID {mcid}>> BDC".encode(), 1)[1].split(b"EMC", 1)[0]
        assert b"(DRAFT) Tj" in tagged
        assert b"/Artifact" in data  # the watermark itself stays an artifact
