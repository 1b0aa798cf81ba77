"""Reading Word forms: label tolerance, dates, unicode, formatting, numbering, tables, tracked
changes, content controls and markers, every word kept exactly as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.forms.markers import write_marker_docx
from pipeline.framework import Framework
from pipeline.records import ListItem, Paragraph, Run, Table
from tests.helpers.docx_reading import blocks, read

from .conftest import Doc

# -- label tolerance, dates, unicode, formatting -----------------------------------------


@pytest.mark.parametrize(
    "label", ["Version", "VERSION:", "version :", "Versions", "Version number", "  Version\u00a0"]
)
def test_label_tolerance(tmp_path: Path, framework: Framework, label: str) -> None:
    d = Doc()
    d.table([[label, "3.1"], ["Policy title", "Charging Policy"], ["Author", "A N Other"]])
    d.heading("Who this policy applies to")
    d.para("Everyone.")
    record = read(d.save(tmp_path / "p.docx"), framework)
    assert record.fields["version"].text == "3.1"


@pytest.mark.parametrize(
    "written",
    [
        "01/10/2024",
        "1 October 2024",
        "October 2024",
        "2024-10-01",
        "Quarter 3 2015/16",
        "Q3 2015/16",
        "1st Oct 2024",
    ],
)
def test_dates_are_kept_as_written(tmp_path: Path, framework: Framework, written: str) -> None:
    d = Doc()
    d.table([["Policy title", "Charging Policy"], ["Next review date", written], ["Author", "Me"]])
    d.heading("The Policy")
    d.para("Text.")
    assert read(d.save(tmp_path / "p.docx"), framework).value("next_review") == written


UNICODE = "“Smart” ‘quotes’,\u00a0NBSP,\ttab, emoji 👍🏽, العربية, עברית, café"


def test_unicode_is_unchanged(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.table([["Policy title", UNICODE], ["Author", "Zoë O’Brien"]])
    d.heading("Who this policy applies to")
    p = d.para(UNICODE)
    p.add_run().add_break()  # a soft line break inside the paragraph
    p.add_run("second line")
    record = read(d.save(tmp_path / "u.docx"), framework)
    assert record.value("title") == UNICODE
    assert record.value("author") == "Zoë O’Brien"
    assert blocks(record, "applies_to") == [Paragraph((Run(UNICODE + "\nsecond line"),))]


def test_bold_and_italic_runs_are_kept_and_neighbours_merged(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("The Policy")
    d.para("We ", "will ", ("always", {"bold": True}), " ", ("listen", {"italic": True}), ".")
    record = read(d.save(tmp_path / "f.docx"), framework)
    assert blocks(record, "policy") == [
        Paragraph(
            (
                Run("We will "),
                Run("always", bold=True),
                Run(" "),
                Run("listen", italic=True),
                Run("."),
            )
        )
    ]


def test_word_numbering_gives_list_levels(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("The Policy")
    d.numbered("A bullet", 90, 0)
    d.numbered("A lettered item", 90, 1)
    d.numbered("A numbered item", 90, 2)
    d.numbered("A legal-numbered paragraph", 91, 1)
    d.para("Styled bullet", style="List Bullet")
    d.para("Styled second level", style="List Number 2")
    d.para("- typed dash")
    d.para("• typed bullet")
    d.para("(c) typed letter")
    record = read(d.save(tmp_path / "l.docx"), framework)
    assert blocks(record, "policy") == [
        ListItem((Run("A bullet"),), 0, False),
        ListItem((Run("A lettered item"),), 1, True),
        ListItem((Run("A numbered item"),), 2, True),
        Paragraph((Run("A legal-numbered paragraph"),)),
        ListItem((Run("Styled bullet"),), 0, False),
        ListItem((Run("Styled second level"),), 1, True),
        ListItem((Run("typed dash"),), 0, False),
        ListItem((Run("typed bullet"),), 0, False),
        ListItem((Run("typed letter"),), 0, True),
    ]


def test_quantities_are_not_mistaken_for_paragraph_numbers(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("The Policy")
    d.para("1.5 million people in England receive care.")
    d.para("2.3 Paragraph numbers go.")
    record = read(d.save(tmp_path / "n.docx"), framework)
    assert [b.text for b in blocks(record, "policy")] == [  # type: ignore[attr-defined]
        "1.5 million people in England receive care.",
        "Paragraph numbers go.",
    ]


def test_table_inside_a_section_is_a_table_block(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("The Policy")
    d.para("Charges are:")
    d.table([["Service", "Charge"], ["Day care", "£20"], ["Transport", ["£5", "each way"]]])
    record = read(d.save(tmp_path / "t.docx"), framework)
    assert blocks(record, "policy")[1] == Table(
        (("Service", "Charge"), ("Day care", "£20"), ("Transport", "£5\neach way")), header=True
    )


def test_tracked_changes_and_hyperlink_fields(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("The Policy")
    p = d.para("Read ")
    p._p.append(
        parse_xml(
            f"<w:ins {nsdecls('w')} w:id='1' w:author='x'><w:r><w:t>the new </w:t></w:r></w:ins>"
        )
    )
    p._p.append(
        parse_xml(
            f"<w:del {nsdecls('w')} w:id='2' w:author='x'><w:r><w:delText>old </w:delText></w:r></w:del>"
        )
    )
    for xml in (
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r>",
        "<w:r><w:instrText xml:space='preserve'> HYPERLINK \"https://example.org/guide\" </w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r>",
        "<w:r><w:t>guide</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>",
    ):
        p._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))
    record = read(d.save(tmp_path / "c.docx"), framework)
    assert blocks(record, "policy") == [
        Paragraph((Run("Read the new "), Run("guide", href="https://example.org/guide")))
    ]


# -- content controls and markers ---------------------------------------------------------


def test_content_controls_by_tag_and_placeholders_are_empty(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    write_marker_docx(d.doc, "policy")
    d.control("title", ["Carers Policy"])
    d.control("author", ["Required. Who wrote this version"], placeholder=True)
    d.heading("Who this policy applies to")
    d.control("section:applies_to", ["Carers in Devon.", "- and their families"])
    d.heading("Why we have this policy")
    d.control("section:why", ["Grey guidance"], placeholder=True)
    record = read(d.save(tmp_path / "cc.docx"), framework)
    assert record.value("title") == "Carers Policy"
    assert record.location("title") == "the 'title' box"
    assert "author" in record.fields and record.value("author") == ""
    assert blocks(record, "applies_to") == [
        Paragraph((Run("Carers in Devon."),)),
        ListItem((Run("and their families"),), 0, False),
    ]
    why = record.section("why")
    assert why is not None and why.is_empty


@pytest.mark.parametrize(
    "key", ["policy", "policy_request", "implementation_plan", "consultation_response"]
)
def test_marker_decides_the_form(tmp_path: Path, framework: Framework, key: str) -> None:
    d = Doc()
    write_marker_docx(d.doc, key)
    d.para("Nothing that looks like any form.")
    assert read(d.save(tmp_path / "m.docx"), framework).form_type == key
