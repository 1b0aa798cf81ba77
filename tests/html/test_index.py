"""The public list: sorted by title, both files linked, the PDF's size, the contact."""

from __future__ import annotations

import lxml.html

from pipeline.html.index import Listed, render_index, size_text


def listed(title: str, ref: str) -> Listed:
    slug = ref.lower()
    return Listed(
        title, ref, "2", "1 March 2026", "March 2027", f"{slug}.html", f"{slug}.pdf", 245_000
    )


def test_sorted_by_title_with_both_files_and_the_pdf_size() -> None:
    html = render_index(
        [listed("Personal Budgets Policy", "ASC-POL-003"), listed("carers policy", "ASC-POL-009")],
        council="Devon County Council",
        contact="policy@example.gov.uk",
    )
    doc = lxml.html.document_fromstring(html)
    assert doc.get("lang") == "en-GB"
    assert [th.text for th in doc.xpath("//tbody/tr/th")] == [
        "carers policy",
        "Personal Budgets Policy",
    ]
    row = doc.xpath("//tbody/tr")[0]
    assert [a.get("href") for a in row.xpath(".//a")] == ["asc-pol-009.html", "asc-pol-009.pdf"]
    assert "PDF, 245 KB" in row.xpath(".//a")[1].text_content()
    assert doc.xpath("//a[@href='mailto:policy@example.gov.uk']")[0].text == "policy@example.gov.uk"
    assert doc.xpath("//h2[.='Accessibility']")


def test_a_contact_that_is_not_an_address_is_text_and_escaped() -> None:
    html = render_index([], council="C", contact="<b>the team</b>")
    assert "&lt;b&gt;the team&lt;/b&gt;" in html and "mailto" not in html
    assert "Nothing is published yet" in html


def test_size_text() -> None:
    assert [size_text(n) for n in (10, 180_400, 2_400_000)] == ["1 KB", "180 KB", "2.4 MB"]
