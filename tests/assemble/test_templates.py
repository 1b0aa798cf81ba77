"""The committed templates are what templates_build makes, and they carry the house style."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from pipeline.assemble.build_templates import TEMPLATE_NAMES, build_all
from pipeline.assemble.render import Assembler
from pipeline.framework_load import default_framework
from tests.helpers.paths import TEMPLATES

COMPARED_PARTS = (
    "word/document.xml",
    "word/styles.xml",
    "word/numbering.xml",
    "word/header1.xml",
    "word/footer1.xml",
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def style(obj: Any) -> str:
    """The style name of a python-docx paragraph or table ("" when it has none)."""
    return str(obj.style.name) if obj.style is not None else ""


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    build_all(out)
    return out


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_committed_template_is_what_the_builder_makes(rebuilt: Path, name: str) -> None:
    for part in COMPARED_PARTS:
        assert _part(rebuilt / f"{name}.docx", part) == _part(TEMPLATES / f"{name}.docx", part), (
            f"templates/{name}.docx ({part}) is out of date: "
            "run `python -m pipeline.assemble.build_templates templates/`"
        )


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_a4_with_margins(name: str) -> None:
    section: Any = docx.Document(str(TEMPLATES / f"{name}.docx")).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for margin in (section.left_margin, section.right_margin, section.top_margin):
        assert Mm(20) <= margin <= Mm(30)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_en_gb_in_defaults_and_every_style(name: str) -> None:
    styles = docx.Document(str(TEMPLATES / f"{name}.docx")).styles.element
    default_lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default_lang is not None and default_lang.get(qn("w:val")) == "en-GB"
    for style in styles.findall(f"{W}style"):
        if style.get(qn("w:type")) == "numbering":
            continue
        lang = style.find(f"{W}rPr/{W}lang")
        assert lang is not None and lang.get(qn("w:val")) == "en-GB", style.get(qn("w:styleId"))


def test_house_styles_are_named_and_complete() -> None:
    doc = docx.Document(str(TEMPLATES / "policy.docx"))
    styles = doc.styles
    rpr_default = styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert rpr_default.find(f"{W}rFonts").get(qn("w:ascii")) == "Arial"
    assert rpr_default.find(f"{W}sz").get(qn("w:val")) == "22"  # 11pt
    for level, name in enumerate(("Heading 1", "Heading 2", "Heading 3")):
        outline = styles[name].element.find(f"{W}pPr/{W}outlineLvl")
        assert outline is not None and outline.get(qn("w:val")) == str(level)
    for name in (
        "Title",
        "Numbered Paragraph",
        "Policy Details Label",
        "Table Heading",
        "Hyperlink",
    ):
        assert styles[name] is not None
    assert styles["Council Table"].type == 3 and styles["Policy Details Table"].type == 3
    numbering = doc.part.numbering_part.element
    for name, level in (("List Bullet", 0), ("List Bullet 2", 1), ("List Number", 0)):
        num_pr = styles[name].element.find(f"{W}pPr/{W}numPr")
        assert num_pr.find(f"{W}ilvl").get(qn("w:val")) == str(level)
        num = numbering.num_having_numId(int(num_pr.find(f"{W}numId").get(qn("w:val"))))
        abstract = numbering.find(f"{W}abstractNum[@{W}abstractNumId='{num.abstractNumId.val}']")
        assert abstract.find(f"{W}lvl[@{W}ilvl='{level}']") is not None


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_body_has_no_direct_formatting(name: str) -> None:
    body = _part(TEMPLATES / f"{name}.docx", "word/document.xml")
    assert "<w:rPr>" not in body and "<w:rPr/>" not in body
    for tag in ("w:jc", "w:sz ", "w:color", "w:rFonts", "w:spacing", "w:ind "):
        assert f"<{tag}" not in body, tag
    # every table names a table style
    assert body.count("<w:tbl>") == body.count("<w:tblStyle ")


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_header_and_footer(name: str) -> None:
    header = _part(TEMPLATES / f"{name}.docx", "word/header1.xml")
    footer = _part(TEMPLATES / f"{name}.docx", "word/footer1.xml")
    assert "{{ running_title }}" in header and "DRAFT" in header
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)
    assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", footer)
    assert "{{ council }}" in footer and "Page " in footer


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_data_tables_repeat_their_header_row(name: str) -> None:
    doc = docx.Document(str(TEMPLATES / f"{name}.docx"))
    grids = [t for t in doc.tables if style(t) == "Council Table"]
    assert grids or name == "policy_request"
    for table in grids:
        assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_policy_template_layout() -> None:
    doc = docx.Document(str(TEMPLATES / "policy.docx"))
    labels = [row.cells[0].text for row in doc.tables[0].rows]
    assert labels == [
        "Policy reference",
        "Version",
        "Strategic owner",
        "Business owner",
        "Author",
        "Date of approval and commencement",
        "Last review date",
        "Last reviewer",
        "Next review date",
        "Supporting documents",
    ]
    assert {style(c.paragraphs[0]) for c in doc.tables[0].columns[0].cells} == {
        "Policy Details Label"
    }
    history = doc.tables[-1]
    assert [c.text for c in history.rows[0].cells] == ["Version", "Date", "What changed", "Author"]


def test_implementation_plan_columns_follow_the_framework() -> None:
    doc = docx.Document(str(TEMPLATES / "implementation_plan.docx"))
    plan = doc.tables[-1]
    assert [c.text for c in plan.rows[0].cells] == [
        "Area",
        "Issues identified / Action to be taken",
        "Lead",
        "Time-scale",
    ]


def test_committed_templates_check_clean() -> None:
    assert Assembler(TEMPLATES, default_framework()).check_templates() == []
