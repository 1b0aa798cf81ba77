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
from docx import Document
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from pipeline import atomic
from pipeline.pdf.update import PdfUpdate
from pipeline.run import run_batch
from pipeline.workspace import Workspace
from tests.helpers.paths import SAMPLE_POLICY
from tests.helpers.tags import parent_tree, structure

pytestmark = [pytest.mark.requires_libreoffice, pytest.mark.slow]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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


LONG_LINK = (
    "The Care Act 2014 and the statutory guidance the Department of Health and Social Care "
    "publishes with it, chapter eleven on personal budgets"
)


def test_a_link_that_wraps_is_one_link_element_holding_both_annotations(
    workspace: Workspace, tmp_path: Path
) -> None:
    """LibreOffice makes a link wrapped over two lines two Link elements; PDF/UA-1 wants one
    link to be one Link element (it may hold several annotations)."""
    doc = Document(str(SAMPLE_POLICY))
    link = doc.element.body.find(f".//{W}hyperlink")
    texts = link.findall(f".//{W}t")
    texts[0].text = LONG_LINK
    for t in texts[1:]:
        t.text = ""
    doc.save(str(workspace.inbox / "policy.docx"))
    result = run_batch(workspace)
    assert len(result.accepted) == 1, result.rejected
    pdf = next(workspace.outbox.glob("*/*/policy.pdf"))
    tree = structure(pdf)
    links = [t for t in tree.walk() if t.role == "Link"]
    long = [t for t in links if " ".join(t.all_text.split()) == LONG_LINK]
    assert len(long) == 1, [t.all_text for t in links]
    annotations = long[0].annotations
    assert len(annotations) == 2  # one per line, both in the one element
    assert annotations[0]["/Rect"][1] != annotations[1]["/Rect"][1]
    assert len({str(a["/A"]["/URI"]) for a in annotations}) == 1
    owners = parent_tree(pdf)
    assert [owners[int(a["/StructParent"])] for a in annotations] == [long[0].ref] * 2
    # and no two Link elements side by side go to one place
    for parent in tree.walk():
        targets = [
            {str(a["/A"].get("/URI")) for a in k.annotations} if k.role == "Link" else None
            for k in parent.kids
        ]
        assert all(a is None or a != b for a, b in zip(targets, targets[1:], strict=False))
    assert failures(pdf) == []
