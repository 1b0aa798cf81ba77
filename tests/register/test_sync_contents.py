"""register.xlsx written from the journal, read back with openpyxl (no mocks): its sheets,
values, structure, history and dashboard, and text that only looks like a formula.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.errors import PipelineError
from pipeline.journal.store import Journal
from pipeline.register.workbook import COLUMNS, create_empty, rebuild, sync
from tests.helpers.register import HEADERS, TODAY, libreoffice_csv
from tests.helpers.register_journal import _policy, _rows, _sheet


def test_create_empty_has_headers_table_and_sheets(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    create_empty(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Register", "History", "Dashboard"]
    ws = wb["Register"]
    assert [c.value for c in ws[1]] == HEADERS
    assert "PolicyRegister" in ws.tables
    assert [c.key for c in COLUMNS][:4] == ["ref", "title", "version", "status"]
    with pytest.raises(PipelineError, match="already exists"):
        create_empty(path)


def test_values_round_trip_with_dates_links_and_notes(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    ref = "ASC-POL-001"
    assert (
        _policy(
            journal,
            status="approved",
            approval_date=date(2024, 9, 1),
            last_review="2024-08-15",
            next_review=date(2017, 10, 1),
            next_review_text="Quarter 3 2017/18",
            consultation="Required: 01/09/2024 to 30/09/2024; response published",
            implementation_plan="Yes: Sarah Mackereth",
            missing=["Approval date", "Sign-off"],
            pdf=f"outbox/{ref}/2/policy.pdf",
            docx=tmp_path / "outbox" / ref / "2" / "policy.docx",
            version="2",
        )
        == ref
    )
    result = sync(journal, path, today=TODAY)
    assert result.written, result.reason
    assert not journal.register_pending()
    ws = _sheet(path)
    row = _rows(ws)[ref]
    assert row["Version"] == 2
    assert row["Status"] == "approved"
    assert row["Approval date"] == datetime(2024, 9, 1)
    assert row["Last review"] == datetime(2024, 8, 15)
    assert row["Next review"] == datetime(2017, 10, 1)
    assert row["Review state"] == "overdue"
    assert row["Last updated"] == datetime(2026, 11, 20, 14, 5)
    assert row["Consultation"].startswith("Required: 01/09/2024")
    assert row["Missing before publication"] == "Approval date; Sign-off"
    cells = {h: c for h, c in zip(HEADERS, ws[2], strict=True)}
    assert cells["Next review"].number_format == "dd/mm/yyyy"
    assert cells["Next review"].comment is not None
    assert "Quarter 3 2017/18" in cells["Next review"].comment.text
    assert cells["Approval date"].comment is None
    assert cells["Latest PDF"].hyperlink is not None
    assert cells["Latest DOCX"].hyperlink is not None
    assert cells["Latest PDF"].hyperlink.target == f"outbox/{ref}/2/policy.pdf"
    assert cells["Latest DOCX"].hyperlink.target == f"outbox/{ref}/2/policy.docx"
    assert cells["Latest DOCX"].value == f"outbox/{ref}/2/policy.docx"
    for header in ("Latest PDF", "Latest DOCX"):  # links look like links
        font = cells[header].font
        assert (font.color.rgb, font.underline) == ("000563C1", "single"), header


def test_review_period_without_a_date_keeps_the_officers_words(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal, next_review=None, next_review_text="When the restructure completes")
    sync(journal, path, today=TODAY)
    row = _rows(_sheet(path))[ref]
    assert row["Next review"] == "When the restructure completes"
    assert row["Review state"] is None


def test_control_characters_in_the_forms_date_words_never_break_a_rebuild(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal, next_review=date(2027, 10, 1), next_review_text="Quarter\x01 3 2027/28")
    rebuild(journal, path, today=TODAY)  # the openpyxl path, which writes notes itself
    cell = next(c for c in _sheet(path)["M"] if c.comment)
    assert cell.comment.text == "As written on the form: Quarter 3 2027/28", ref


def test_register_structure(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal, next_review=TODAY - timedelta(days=3))
    _policy(journal, next_review=TODAY + timedelta(days=30))
    _policy(journal, next_review=TODAY + timedelta(days=300))
    sync(journal, path, today=TODAY)
    ws = _sheet(path)
    table = ws.tables["PolicyRegister"]
    assert table.ref == "A1:W4"
    assert table.autoFilter is not None and table.autoFilter.ref == "A1:W4"
    assert [c.name for c in table.tableColumns] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 40
    states = [r["Review state"] for r in _rows(ws).values()]
    assert states == ["overdue", "due within 90 days", "in date"]
    rules = [(str(cf.sqref), r) for cf in ws.conditional_formatting for r in cf.rules]
    assert {"M2:M4 N2:N4"} == {sqref for sqref, _ in rules}
    formulas = {r.formula[0]: r.dxf.fill.bgColor.rgb for _, r in rules}
    assert formulas == {'$N2="overdue"': "00FFC7CE", '$N2="due within 90 days"': "00FFEB9C"}
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list"
    assert dv.formula1 == '"requested,draft,in consultation,awaiting sign-off,approved,published"'
    assert str(dv.sqref) == "D2:D4"


def test_history_dashboard_and_chart(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal, status="published", next_review=TODAY - timedelta(days=10))
    _policy(journal, status="draft", next_review=date(2027, 1, 15))
    _policy(journal, status="draft", next_review=None)
    sync(journal, path, today=TODAY)
    wb = load_workbook(path)
    history = wb["History"]
    assert [c.value for c in history[1]] == [
        "When", "File", "Form type", "Policy", "Who", "Outcome", "Detail"
    ]  # fmt: skip
    assert history.max_row == 4
    assert history["A2"].value == datetime(2026, 11, 20, 9, 0)
    assert history.tables["PolicyHistory"].ref == "A1:G4"
    dash = wb["Dashboard"]
    cells = {c.value: c for row in dash.iter_rows() for c in row if c.value is not None}
    assert dash.cell(cells["Draft"].row, 2).value == 2
    assert dash.cell(cells["Published"].row, 2).value == 1
    assert dash.cell(cells["Overdue now"].row, 2).value == 1
    assert dash.cell(cells["Q4 2026/27"].row, 2).value == 1
    assert dash.cell(cells["Q3 2026/27"].row, 2).value == 0
    assert "Q2 2028/29" in cells and "Q3 2028/29" not in cells
    assert dash.cell(cells["No review date"].row, 2).value == 1
    assert "Overdue reviews (1)" in cells
    with zipfile.ZipFile(path) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode()
    assert "barChart" in chart and "Reviews due by quarter" in chart


def test_formula_looking_values_stay_text(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    tricky = {
        "title": '=HYPERLINK("http://evil","x")',
        "business_owner": "+44 1234 567890",
        "author": "-Jo",
        "approved_by": "@Director",
    }
    ref = _policy(journal, **tricky)
    sync(journal, path, today=TODAY)
    ws = _sheet(path)
    cells = {h: c for h, c in zip(HEADERS, ws[2], strict=True)}
    headers = {c.key: c.header for c in COLUMNS}
    for key, text in tricky.items():
        cell = cells[headers[key]]
        assert cell.value == text
        assert cell.data_type == "s"
    assert _rows(ws)[ref]["Title"] == tricky["title"]


@pytest.mark.requires_libreoffice
def test_libreoffice_does_not_evaluate_formula_looking_text(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal, title="=1+1", business_owner="=SUM(1,2)")
    sync(journal, path, today=TODAY)
    row = libreoffice_csv(path, tmp_path / "csv")[1]
    assert row[1] == "=1+1"
    assert row[6] == "=SUM(1,2)"
