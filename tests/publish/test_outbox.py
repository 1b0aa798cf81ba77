"""Publishing a new version: in place under the same name, or, for a renamed policy, with
the old name taken out of publish/ (its version's own copy stays). Real workspace, journal
and PDF; no LibreOffice."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfWriter

from pipeline.framework_load import default_framework
from pipeline.journal.store import Journal
from pipeline.publish.outbox import Outbox
from pipeline.workspace import Workspace, init_workspace

REF = "ASC-POL-001"
PUBLISHABLE = {  # signed off at the level a new policy needs, with a plan, no consultation
    "policy_received": True,
    "change_type_key": "new",
    "sign_off_key": "head_of_service",
    "plan_business_owner": "Sarah Mackereth, Principal Social Worker",
}


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _publish(ws: Workspace, title: str, version: str, replaces: dict[str, str]) -> Path:
    outbox = Outbox(ws, default_framework())
    master = outbox.master_path(REF, version, "policy")
    master.parent.mkdir(parents=True, exist_ok=True)
    master.write_bytes(_pdf())
    doc = {
        "title": title,
        "version": version,
        "master": str(master),
        "pdf": str(outbox.document_path(REF, version, "policy.pdf")),
        "docx": str(outbox.document_path(REF, version, "policy.docx")),
        **replaces,
    }
    with Journal(ws.journal_path) as journal:
        journal.upsert_policy(REF, {**PUBLISHABLE, "documents": {"policy": doc}})
        values = outbox.gate_updates(journal, REF)
        journal.upsert_policy(REF, values)
        outbox.write_manifest(journal)
    return Path(values["documents"]["policy"]["published"])


def test_a_renamed_policy_s_old_file_leaves_publish(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    first = _publish(ws, "Personal Budgets Policy", "2", {})
    assert first.name == "asc-pol-001-personal-budgets-policy.pdf"
    renamed = {"replaces_version": "2", "replaces_file": str(first)}
    second = _publish(ws, "Personal Budgets and Direct Payments Policy", "3", renamed)
    assert {p.name for p in ws.publish_dir.iterdir()} == {second.name, "manifest.csv", "index.html"}
    assert (ws.outbox / REF / "2" / "policy.pdf").is_file()  # the old version is kept
    manifest = (ws.publish_dir / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert manifest[1].endswith(",version 2 (asc-pol-001-personal-budgets-policy.pdf)")


def test_the_same_name_is_replaced_in_place(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    first = _publish(ws, "Personal Budgets Policy", "2", {})
    again = _publish(
        ws, "Personal Budgets Policy", "3", {"replaces_version": "2", "replaces_file": str(first)}
    )
    assert again == first and again.is_file()


# --- after the sample forms: a web page beside every PDF, the index, the manifest ---


@pytest.mark.requires_libreoffice
@pytest.mark.slow
def test_every_published_pdf_has_its_page_and_both_are_in_the_manifest(sample_outbox: Path) -> None:
    publish = sample_outbox / "publish"
    pdfs = sorted(p.stem for p in publish.glob("*.pdf"))
    assert pdfs and pdfs == sorted(p.stem for p in publish.glob("*.html") if p.name != "index.html")
    with (publish / "manifest.csv").open(encoding="utf-8", newline="") as f:
        files = sorted(row["file"] for row in csv.DictReader(f))
    assert files == sorted(
        p.name
        for p in publish.iterdir()
        if p.suffix in (".pdf", ".html") and p.name != "index.html"
    )


@pytest.mark.requires_libreoffice
@pytest.mark.slow
def test_the_index_lists_each_published_document_with_its_pdf_size(sample_outbox: Path) -> None:
    publish = sample_outbox / "publish"
    doc = lxml.html.parse(str(publish / "index.html")).getroot()
    hrefs = sorted(a.get("href") for a in doc.xpath("//tbody//a"))
    assert hrefs == sorted(
        p.name
        for p in publish.iterdir()
        if p.suffix in (".pdf", ".html") and p.name != "index.html"
    )
    titles = [th.text for th in doc.xpath("//tbody/tr/th")]
    assert titles == sorted(titles, key=str.casefold)
    pdf = next(publish.glob("*-policy.pdf"))
    size = round(pdf.stat().st_size / 1000)
    assert doc.xpath(f"//a[@href='{pdf.name}']")[0].text_content().startswith(f"PDF, {size} KB")
    assert "the Adult Social Care policy team" in doc.text_content()  # pipeline init's contact


@pytest.mark.requires_libreoffice
@pytest.mark.slow
def test_a_draft_page_sits_beside_its_draft_pdf_and_is_not_published(sample_outbox: Path) -> None:
    drafts = [p for p in sample_outbox.glob("*/*/policy.html") if "DRAFT" in p.read_text("utf-8")]
    assert drafts, "the sample framework policy is a draft until it is signed off"
    for page in drafts:
        title = lxml.html.parse(str(page)).getroot().findtext(".//title")
        assert title.startswith("DRAFT – ")
        published = list((sample_outbox / "publish").glob(f"{page.parts[-3].lower()}-*"))
        assert published == []
