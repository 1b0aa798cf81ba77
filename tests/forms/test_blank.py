"""The blank forms: every field findable by the reader, every file a valid Office file."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from pipeline.forms.blank.excel import DATE_FORMAT, SHEET
from pipeline.forms.blank.word import GUIDANCE_STYLE, SECTION_TAG_PREFIX
from pipeline.forms.blank.write import write_blank_forms
from pipeline.framework import Framework
from pipeline.framework_load import default_framework, load_framework
from tests.helpers.markers import marker_of
from tests.helpers.soffice import libreoffice

FRAMEWORK = default_framework()
FORM_KEYS = list(FRAMEWORK.forms)


@pytest.fixture(scope="module")
def forms_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("forms")
    write_blank_forms(FRAMEWORK, out)
    return out


def controls(path: Path) -> dict[str, tuple[str, bool]]:
    """tag -> (text, showing placeholder) for every content control in the document."""
    body = Document(str(path)).element.body
    found: dict[str, tuple[str, bool]] = {}
    for sdt in body.iter(qn("w:sdt")):
        pr = sdt.find(qn("w:sdtPr"))
        tag = pr.find(qn("w:tag")).get(qn("w:val"))
        text = "".join(t.text or "" for t in sdt.iter(qn("w:t")))
        found[tag] = (text, pr.find(qn("w:showingPlcHdr")) is not None)
    return found


def style_of(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def test_writes_a_word_and_an_excel_form_per_type(tmp_path: Path) -> None:
    written = write_blank_forms(FRAMEWORK, tmp_path / "new")
    assert sorted(p.name for p in written) == sorted(
        f"{key}.{ext}" for key in FORM_KEYS for ext in ("docx", "xlsx")
    )
    assert all(p.stat().st_size > 0 for p in written)


@pytest.mark.parametrize("key", FORM_KEYS)
def test_marker_names_the_form_type(forms_dir: Path, key: str) -> None:
    assert marker_of(forms_dir / f"{key}.docx") == key
    assert marker_of(forms_dir / f"{key}.xlsx") == key


def test_docx_marker_is_a_proper_custom_property(forms_dir: Path) -> None:
    with zipfile.ZipFile(forms_dir / "policy.docx") as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        custom = z.read("docProps/custom.xml").decode()
    assert 'PartName="/docProps/custom.xml"' in types
    assert "custom-properties+xml" in types
    assert "relationships/custom-properties" in rels
    assert 'name="PipelineForm"' in custom and "<vt:lpwstr>policy</vt:lpwstr>" in custom


def test_a_file_without_a_marker_has_none(tmp_path: Path) -> None:
    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    Workbook().save(tmp_path / "plain.xlsx")
    assert marker_of(plain) is None
    assert marker_of(tmp_path / "plain.xlsx") is None


@pytest.mark.parametrize("key", FORM_KEYS)
def test_docx_has_a_control_per_field_with_help_as_placeholder(forms_dir: Path, key: str) -> None:
    form = FRAMEWORK.form(key)
    found = controls(forms_dir / f"{key}.docx")
    for f in form.fields:
        text, placeholder = found[f.key]
        assert placeholder, f.key
        assert f.help in text
    for section in form.sections:
        assert found[SECTION_TAG_PREFIX + section.key][1]


@pytest.mark.parametrize("key", FORM_KEYS)
def test_docx_labels_are_the_framework_labels_exactly(forms_dir: Path, key: str) -> None:
    doc = Document(str(forms_dir / f"{key}.docx"))
    labels = {
        row.cells[0].text for table in doc.tables for row in table.rows if len(row.cells) == 2
    }
    headings = {p.text for p in doc.paragraphs if style_of(p).startswith("Heading")}
    for f in FRAMEWORK.form(key).fields:
        assert f.label in labels | headings


def test_policy_docx_has_the_four_sections_as_heading_1(forms_dir: Path) -> None:
    doc = Document(str(forms_dir / "policy.docx"))
    headings = [p.text for p in doc.paragraphs if style_of(p) == "Heading 1"]
    assert headings == [s.title for s in FRAMEWORK.form("policy").sections]
    assert any(style_of(p) == GUIDANCE_STYLE for p in doc.paragraphs)


def test_plan_docx_has_the_appendix_4_table(forms_dir: Path) -> None:
    form = FRAMEWORK.form("implementation_plan")
    table = Document(str(forms_dir / "implementation_plan.docx")).tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["", *(c.label for c in form.columns[1:])]
    assert len(table.rows) == 1 + len(form.areas)
    for number, (row, area) in enumerate(zip(table.rows[1:], form.areas, strict=True), 1):
        first = row.cells[0]
        assert first.paragraphs[0].text == f"{number}. {area.title}"
        bullets = [p.text for p in first.paragraphs if style_of(p) == "List Bullet"]
        assert bullets == list(area.prompts)
        assert all(not c.text for c in row.cells[1:])


def test_consultation_docx_has_summary_and_rows_table(forms_dir: Path) -> None:
    doc = Document(str(forms_dir / "consultation_response.docx"))
    assert "Summary" in [p.text for p in doc.paragraphs if style_of(p) == "Heading 1"]
    header = [c.text for c in doc.tables[-1].rows[0].cells]
    assert header == ["What you told us", "Our response", "What we changed"]


def field_cells(path: Path) -> tuple[object, dict[str, str]]:
    wb = load_workbook(path)
    cells = {}
    for name, dn in wb.defined_names.items():
        if name != "PipelineForm":
            sheet, ref = next(iter(dn.destinations))
            assert sheet == SHEET
            cells[name] = ref.replace("$", "")
    return wb, cells


@pytest.mark.parametrize("key", FORM_KEYS)
def test_xlsx_names_every_field_cell(forms_dir: Path, key: str) -> None:
    wb, cells = field_cells(forms_dir / f"{key}.xlsx")
    ws = wb[SHEET]  # type: ignore[index]
    form = FRAMEWORK.form(key)
    assert set(cells) == {f.key for f in form.fields}
    for f in form.fields:
        cell = cells[f.key]
        assert cell.startswith("B")
        assert ws["A" + cell[1:]].value == f.label
        assert f.help in ws["C" + cell[1:]].value


def validations(ws: object) -> dict[str, object]:
    by_cell: dict[str, object] = {}
    for dv in ws.data_validations.dataValidation:  # type: ignore[attr-defined]
        for rng in dv.sqref.ranges:
            by_cell[rng.coord] = dv
    return by_cell


@pytest.mark.parametrize("key", FORM_KEYS)
def test_xlsx_validates_choices_and_dates(forms_dir: Path, key: str) -> None:
    wb, cells = field_cells(forms_dir / f"{key}.xlsx")
    ws = wb[SHEET]  # type: ignore[index]
    by_cell = validations(ws)
    for f in FRAMEWORK.form(key).fields:
        dv = by_cell[cells[f.key]]
        assert dv.prompt  # type: ignore[attr-defined]
        if f.type in ("choice", "yes_no"):
            choices = f.choices or ("Yes", "No")
            assert dv.type == "list"  # type: ignore[attr-defined]
            assert dv.formula1 == '"' + ",".join(choices) + '"'  # type: ignore[attr-defined]
        if f.type == "date":
            assert dv.type == "date"  # type: ignore[attr-defined]
            assert ws[cells[f.key]].number_format == DATE_FORMAT


def test_xlsx_policy_sections_and_plan_areas(forms_dir: Path) -> None:
    ws = load_workbook(forms_dir / "policy.xlsx")[SHEET]
    column_a = [c.value for c in ws["A"]]
    for section in FRAMEWORK.form("policy").sections:
        assert section.title in column_a
    ws = load_workbook(forms_dir / "implementation_plan.xlsx")[SHEET]
    rows = [[c.value for c in row[:4]] for row in ws.iter_rows()]
    form = FRAMEWORK.form("implementation_plan")
    header = rows.index([c.label for c in form.columns])
    titles = [r[0] for r in rows[header + 1 : header + 1 + len(form.areas)]]
    assert titles == [f"{n}. {a.title}" for n, a in enumerate(form.areas, 1)]


def test_an_edited_framework_changes_the_forms(tmp_path: Path) -> None:
    text = FRAMEWORK.source.read_text(encoding="utf-8").replace(
        'label = "Business owner"', 'label = "Service owner"'
    )
    edited = tmp_path / "edited.toml"
    edited.write_text(text, encoding="utf-8")
    framework: Framework = load_framework(edited)
    write_blank_forms(framework, tmp_path / "out")
    _, cells = field_cells(tmp_path / "out" / "policy.xlsx")
    ws = load_workbook(tmp_path / "out" / "policy.xlsx")[SHEET]
    assert ws["A" + cells["business_owner"][1:]].value == "Service owner"


@pytest.mark.requires_libreoffice
def test_libreoffice_opens_the_forms(forms_dir: Path, tmp_path: Path) -> None:
    for name in ("policy.docx", "implementation_plan.xlsx"):
        pdf = libreoffice(forms_dir / name, "pdf", tmp_path / name.replace(".", "_"))
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
