"""A document's web page: structure, escaping and the DRAFT line, read back with lxml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import lxml.html

from pipeline.forms.read import read_form
from pipeline.framework_load import load_framework
from pipeline.html.page import PageContext, render_document, render_documents
from pipeline.records import (
    FieldValue,
    Figure,
    FormRecord,
    ListItem,
    Note,
    Paragraph,
    Run,
    SectionContent,
    SubHeading,
    Table,
)
from pipeline.safety.check import check_file
from tests.helpers.paths import SAMPLE_POLICY

FW = load_framework()
POLICY = FW.form("policy")


def record(*blocks: object, title: str = "Carers Policy") -> FormRecord:
    first = POLICY.sections[0]
    return FormRecord(
        "policy",
        Path("x.docx"),
        fields={"title": FieldValue(title), "author": FieldValue("A <b>Writer</b>")},
        sections=[SectionContent(first.key, first.title, tuple(blocks))],  # type: ignore[arg-type]
    )


def render(rec: FormRecord, *, draft: bool = False) -> lxml.html.HtmlElement:
    ctx = PageContext(
        "Carers Policy",
        "ASC-POL-007",
        "2",
        "Devon County Council",
        "1 March 2026",
        (("1", "1 March 2025", "Issued.", "Ann"), ("2", "1 March 2026", "<i>x</i>", "Bob")),
        draft,
    )
    return lxml.html.document_fromstring(render_document(rec, POLICY, ctx))


def test_language_title_one_h1_and_headings_never_skip_a_level() -> None:
    doc = render(record(Paragraph((Run("Text."),)), SubHeading("Who"), Paragraph((Run("More"),))))
    assert doc.get("lang") == "en-GB"
    assert doc.findtext(".//title") == "Carers Policy – Devon County Council"
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert 3 in levels
    assert not doc.xpath("//script")


def test_paragraph_numbers_are_text_apart_from_the_words() -> None:
    doc = render(record(Paragraph((Run("This applies."),))))
    assert doc.xpath("//main//p[span[@class='number']]")[0].text_content() == "1.1 This applies."


def test_lettered_and_bulleted_items_are_nested_lists() -> None:
    doc = render(
        record(
            ListItem((Run("Your needs"),), 0, ordered=True),
            ListItem((Run("a bullet"),), 1),
            ListItem((Run("Your carer"),), 0, ordered=True),
        )
    )
    (ol,) = doc.xpath("//main//ol")
    assert ol.get("type") == "a"
    assert [li.text.strip() for li in ol.findall("li")] == ["Your needs", "Your carer"]
    assert ol.xpath("li[1]/ul/li")[0].text.strip() == "a bullet"


def test_details_have_row_headers_and_tables_have_captions_and_scopes() -> None:
    doc = render(record(Table((("Who", "What"), ("Ann", "Cares")))))
    tables = doc.xpath("//table")
    assert all(t.find("caption") is not None and t.findtext("caption").strip() for t in tables)
    assert all(th.get("scope") in ("row", "col") for th in doc.xpath("//th"))
    details = tables[0]
    assert details.xpath(".//th[@scope='row'][.='Policy reference']/../td")[0].text == "ASC-POL-007"
    history = doc.xpath("//h2[.='Change history']/following-sibling::table[1]")[0]
    assert [th.text for th in history.xpath(".//tbody/tr/th")] == ["1", "2"]


def test_values_holding_markup_show_as_text() -> None:
    html = render_document(
        record(Paragraph((Run("<script>alert(1)</script>"),)), title="<b>x</b>"),
        POLICY,
        PageContext("<b>x</b>", "R", "1", "C", "today"),
    )
    assert "<script>" not in html and "<b>" not in html
    doc = lxml.html.document_fromstring(html)
    assert doc.findtext(".//h1") == "<b>x</b>"
    assert "<script>alert(1)</script>" in doc.text_content()


def test_links_keep_their_text_and_unsafe_addresses_are_not_links() -> None:
    doc = render(
        record(
            Paragraph(
                (
                    Run("See "),
                    Run("the guide", href="https://www.gov.uk/guide"),
                    Run(" or "),
                    Run("this", href="javascript:alert(1)"),
                )
            )
        )
    )
    links = doc.xpath("//main//a")
    assert [(a.text, a.get("href")) for a in links] == [("the guide", "https://www.gov.uk/guide")]


def test_a_draft_says_so_in_its_title_and_before_its_heading() -> None:
    doc = render(record(), draft=True)
    assert doc.findtext(".//title").startswith("DRAFT – Carers Policy")
    first = doc.xpath("//main/*")[0]
    assert first.tag == "p" and "DRAFT" in first.text_content()
    assert "Published" not in doc.xpath("//main")[0].text_content()  # not yet, it is a draft
    final = render(record())
    assert "DRAFT" not in final.text_content()
    assert "Published 1 March 2026. Version 2." in final.text_content()


# A 1x1 PNG: the smallest picture a browser shows.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105a2d3f80000000049454e44ae426082"
)


def test_a_picture_is_in_the_page_with_its_alt_text() -> None:
    doc = render(record(Figure(PNG, "image1.png", "The five steps <of> the process", 10, 10)))
    [img] = doc.xpath("//figure/img")
    assert img.get("alt") == "The five steps <of> the process"
    assert img.get("src", "").startswith("data:image/png;base64,iVBORw0KGgo")


def test_a_picture_browsers_cannot_show_is_named_not_dropped() -> None:
    doc = render(record(Figure(b"\x01\x00", "image1.emf", "Old diagram", 10, 10)))
    assert not doc.xpath("//img")
    assert "[Picture: Old diagram]" in doc.text_content()


def test_notes_link_from_their_marker_and_back_and_their_text_is_escaped() -> None:
    hostile = '<script>alert(1)</script> "quoted" & {{ x }}'
    doc = render(
        record(
            Paragraph((Run("Said here."), Run("1", note=1))),
            ListItem((Run("And here."), Run("2", note=2))),
            Note(1, (Run(hostile),), "footnote"),
            Note(2, (Run("A source", href="https://example.org/s"),), "endnote"),
        )
    )
    assert not doc.xpath("//script")
    notes = doc.xpath("//ol[@class='notes']/li")
    assert [n.text_content().split(" Back")[0] for n in notes] == [hostile, "A source"]
    for note in notes:
        (marker,) = doc.xpath(f"//a[@href='#{note.get('id')}']")
        assert note.xpath("./a[starts-with(@href, '#note')]/@href") == [f"#{marker.get('id')}"]
    assert doc.xpath("//ol[@class='notes']/preceding-sibling::h3[1]/text()") == ["Notes"]


def test_both_pages_in_one_pass_are_each_page_made_alone() -> None:
    policy = read_form(SAMPLE_POLICY, FW, check_file(SAMPLE_POLICY))
    history = (("2", "1 May 2024", "Reviewed <b>", "A. Person"),)
    for draft in (False, True):
        ctx = PageContext("Personal Budgets", "ASC-1", "3", "Council", "1 May 2026", history, draft)
        clean, marked = render_documents(policy, POLICY, ctx)
        assert clean == render_document(policy, POLICY, replace(ctx, draft=False))
        assert marked == render_document(policy, POLICY, replace(ctx, draft=True))
        assert "DRAFT" in marked and "DRAFT" not in clean
