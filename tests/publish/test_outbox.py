"""outbox/publish/ after the sample forms: a web page beside every PDF, the index, the manifest."""

from __future__ import annotations

import csv
from pathlib import Path

import lxml.html
import pytest

pytestmark = [pytest.mark.requires_libreoffice, pytest.mark.slow]


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


def test_a_draft_page_sits_beside_its_draft_pdf_and_is_not_published(sample_outbox: Path) -> None:
    drafts = [p for p in sample_outbox.glob("*/*/policy.html") if "DRAFT" in p.read_text("utf-8")]
    assert drafts, "the sample framework policy is a draft until it is signed off"
    for page in drafts:
        title = lxml.html.parse(str(page)).getroot().findtext(".//title")
        assert title.startswith("DRAFT – ")
        published = list((sample_outbox / "publish").glob(f"{page.parts[-3].lower()}-*"))
        assert published == []
