"""Rendering a policy into its template, read back with python-docx and as a PDF (no mocks):
numbering, styles, lists, links, tables, headers, properties, notes, values kept as data.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from pipeline.assemble.render import Assembler
from pipeline.records import (
    FieldValue,
    Note,
    Run,
    SectionContent,
    SubHeading,
)
from tests.helpers.render_records import (
    CARE_ACT,
    NASTY,
    NUMBERED,
    POLICY_SECTIONS,
    W,
    _body_paragraphs,
    _p,
    context,
    policy_record,
    style,
)
from tests.helpers.soffice import libreoffice


def test_paragraphs_are_renumbered_in_order(policy_docx: Path) -> None:
    numbered = [p for p in _body_paragraphs(policy_docx) if style(p) == "Numbered Paragraph"]
    assert [p.text.split("\t")[0] for p in numbered] == [n for n, _ in NUMBERED]
    for p, (number, start) in zip(numbered, NUMBERED, strict=True):
        assert p.text.startswith(f"{number}\t{start}")


def test_sections_subheadings_and_lists_use_the_named_styles(policy_docx: Path) -> None:
    paragraphs = _body_paragraphs(policy_docx)
    headings = [p.text for p in paragraphs if style(p) == "Heading 1"]
    assert headings[:4] == [
        "1. Who this policy applies to",
        "2. Why we have this policy",
        "3. What the policy will achieve",
        "4. The Policy",
    ]
    assert [p.text for p in paragraphs if style(p) == "Heading 2"][:3] == [
        "A personal budget",
        "Establishing a personal budget",
        "Choice and control",
    ]
    by_text = {p.text: style(p) for p in paragraphs}
    assert by_text["equipment"] == "List Bullet"
    assert by_text["intermediate care"] == "List Bullet 2"
    assert by_text["You will have greater choice."] == "List Number"
    assert style(paragraphs[0]) == "Title" and paragraphs[0].text == "Personal Budgets Policy"


def test_each_lettered_list_restarts(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    numbering = doc.part.numbering_part.element
    ordered = [p for p in doc.paragraphs if style(p) == "List Number"]
    num_ids = [int(p._p.find(f"{W}pPr/{W}numPr/{W}numId").get(qn("w:val"))) for p in ordered]
    assert num_ids[0] == num_ids[1] == num_ids[2] != num_ids[3]
    for num_id in {num_ids[0], num_ids[3]}:
        override = numbering.num_having_numId(num_id).find(f"{W}lvlOverride/{W}startOverride")
        assert override is not None and override.get(qn("w:val")) == "1"


def test_hyperlinks_are_real_and_only_safe_addresses(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    links = doc.element.body.findall(f".//{W}hyperlink")
    targets = {}
    for link in links:
        rel = doc.part.rels[link.get(qn("r:id"))]
        assert rel.reltype == RT.HYPERLINK and rel.is_external
        text = "".join(t.text for t in link.iter(f"{W}t"))
        targets[text] = rel.target_ref
        assert link.find(f"{W}r/{W}rPr/{W}rStyle").get(qn("w:val")) == "Hyperlink"
    assert targets == {
        "The Care Act 2014": CARE_ACT,
        "needs assessment or carers assessment": "mailto:care@devon.gov.uk",
    }
    xml = doc.element.xml
    assert "javascript" not in xml and "file:" not in str(
        [r.target_ref for r in doc.part.rels.values()]
    )
    assert "Fair and Affordable Care policy" in xml


def test_bold_and_italic_runs(policy_docx: Path) -> None:
    para = next(p for p in _body_paragraphs(policy_docx) if p.text.startswith("1.2"))
    assert [r.text for r in para.runs if r.bold] == ["also"]
    assert [r.text for r in para.runs if r.italic] == ["not"]


def test_details_and_history_tables(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Policy reference"] == "ASC-POL-007"
    assert details["Strategic owner"] == "Sally Slade, Head of Adult Social Care"
    assert (
        details["Supporting documents"] == "The Care Act 2014\nCare and support statutory guidance"
    )
    history = doc.tables[-1]
    assert [c.text for c in history.rows[2].cells] == [
        "2",
        "3 March 2025",
        "Reviewed for the Care Act.",
        "James Martin",
    ]
    for table in doc.tables:
        if style(table) == "Council Table":
            assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    officer_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Need")
    assert officer_table.rows[2].cells[1].text == "Shared <maybe>"
    assert style(officer_table.rows[0].cells[0].paragraphs[0]) == "Table Heading"


def test_page_header_footer_and_language(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    section: Any = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = section.header.paragraphs[0].text
    assert header == "Personal Budgets Policy \u2013 Version 2"
    footer_xml = section.footer._element.xml
    assert "Devon County Council" in section.footer.paragraphs[0].text
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    lang = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:val")) == "en-GB"


def test_core_properties(policy_docx: Path) -> None:
    cp = docx.Document(str(policy_docx)).core_properties
    assert cp.title == "Personal Budgets Policy"
    assert cp.subject == "Policy"
    assert cp.author == "Devon County Council"
    assert cp.keywords == "adult social care; policy; ASC-POL-007"
    assert cp.language == "en-GB"
    assert cp.version == "2" and cp.identifier == "ASC-POL-007"
    # read raw: python-docx shares the namespace table docxcompose once broke
    core = etree.fromstring(zipfile.ZipFile(policy_docx).read("docProps/core.xml"))
    core_ns = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    allowed = {
        core_ns,
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
    }
    assert {etree.QName(e).namespace for e in core} <= allowed
    keywords = core.find(f"{{{core_ns}}}keywords")
    assert keywords is not None and keywords.text == "adult social care; policy; ASC-POL-007"


def test_draft_marker_and_missing_box(assembler: Assembler, tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    missing = ["sign-off by Head of Service or higher", "an implementation plan"]
    assembler.render(policy_record(), out, context=context(draft=True, missing=missing))
    doc = docx.Document(str(out))
    assert (
        doc.sections[0].header.paragraphs[0].text.startswith("DRAFT \u2013 Personal Budgets Policy")
    )
    notices = [p.text for p in doc.paragraphs if style(p) == "Draft Notice"]
    assert notices[0].startswith("DRAFT")
    assert notices[1] == f"Still needed before publication: {'; '.join(missing)}."
    final = tmp_path / "final.docx"
    assembler.render(policy_record(), final, context=context())
    assert not [p for p in docx.Document(str(final)).paragraphs if style(p) == "Draft Notice"]


def test_values_are_data_never_markup(assembler: Assembler, tmp_path: Path) -> None:
    record = policy_record()
    record.fields["strategic_owner"] = FieldValue(NASTY + "\x01\x0b\x1f")
    record.fields["title"] = FieldValue("Budgets & <Choice> {{ title }}")
    record.sections = [
        SectionContent("applies_to", "x", (_p(NASTY + "\x00"), SubHeading("{% raw %} & <h>"))),
        *POLICY_SECTIONS[1:],
    ]
    out = tmp_path / "nasty.docx"
    done = assembler.render(record, out, context=context(council="Devon & Cornwall <Council>"))
    doc = docx.Document(str(out))  # still opens
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Strategic owner"] == NASTY
    assert doc.paragraphs[0].text == "Budgets & <Choice> {{ title }}"
    assert done.title == "Budgets & <Choice> {{ title }}"
    texts = [p.text for p in doc.paragraphs]
    assert f"1.1\t{NASTY}" in texts and "{% raw %} & <h>" in texts
    assert "Devon & Cornwall <Council>" in doc.sections[0].footer.paragraphs[0].text
    assert doc.core_properties.title == "Budgets & <Choice> {{ title }}"


def test_newlines_become_line_breaks(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    cell = doc.tables[0].rows[-1].cells[1]
    assert cell.paragraphs[0]._p.findall(f".//{W}br")
    assert len(cell.paragraphs) == 1


@pytest.mark.requires_libreoffice
def test_pdf_has_a_bookmark_per_heading_and_all_the_text(policy_docx: Path, tmp_path: Path) -> None:
    reader = PdfReader(libreoffice(policy_docx, "pdf", tmp_path / "pdf"))

    def titles(outline: Any) -> list[str]:
        out: list[str] = []
        for item in outline:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    headings = [p.text for p in _body_paragraphs(policy_docx) if style(p).startswith("Heading")]
    assert titles(reader.outline) == headings
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for number, start in NUMBERED:
        assert f"{number} {start}" in text
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"


def test_notes_end_their_section_as_a_numbered_list_their_text_data(
    assembler: Assembler, tmp_path: Path
) -> None:
    record = policy_record()
    marked = _p("Said here.", Run("1", note=1))
    notes = (Note(1, (Run(NASTY),), "footnote"), Note(2, (Run("A source", href=CARE_ACT),)))
    record.sections = [
        SectionContent("applies_to", "x", (marked, _p("More.", Run("2", note=2)), *notes)),
        *POLICY_SECTIONS[1:],
    ]
    out = tmp_path / "notes.docx"
    assembler.render(record, out, context=context())
    paragraphs = _body_paragraphs(out)
    texts = [p.text for p in paragraphs]
    at = texts.index("Notes")
    assert style(paragraphs[at]) == "Heading 2"
    assert texts[at + 1 : at + 3] == [f"1.\t{NASTY}", "2.\tA source"]
    said = paragraphs[texts.index("1.1\tSaid here.1")]
    assert [(r.text, r.font.superscript) for r in said.runs][-1] == ("1", True)
    assert texts[at - 1] == "1.2\tMore.2"  # the Notes list follows the section's own text
