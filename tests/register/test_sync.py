"""register.xlsx written from the journal, read back with openpyxl (no mocks)."""

from __future__ import annotations

import multiprocessing
import os
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.styles import PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.dates import financial_quarter, quarter_label
from pipeline.errors import PipelineError
from pipeline.journal.store import Event, Journal
from pipeline.register.cells import PolicyRows
from pipeline.register.layout import next_quarters, review_state
from pipeline.register.workbook import COLUMNS, create_empty, due, is_locked, rebuild, sync
from tests.helpers.register import HEADERS, TODAY, libreoffice_csv


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / ".pipeline" / "journal.sqlite") as j:
        yield j


def _policy(journal: Journal, **values: Any) -> str:
    ref = journal.next_reference("ASC-POL", 3)
    base: dict[str, Any] = {
        "title": f"Policy {ref}",
        "version": 1,
        "status": "draft",
        "business_owner": "Sarah Mackereth",
        "next_review": TODAY + timedelta(days=400),
        "updated": datetime(2026, 11, 20, 14, 5),
        "source": f"{ref}.docx",
    }
    journal.upsert_policy(ref, {**base, **values})
    journal.add_event(
        Event(
            datetime(2026, 11, 20, 9, 0),
            f"{ref}.docx",
            "Policy request",
            ref,
            "SM",
            "accepted",
            "new",
        )
    )
    return ref


def _sheet(path: Path, name: str = "Register") -> Worksheet:
    ws = load_workbook(path)[name]
    assert isinstance(ws, Worksheet)
    return ws


def _rows(ws: Worksheet) -> dict[str, dict[str, Any]]:
    """Register rows keyed by reference, cells keyed by header (wherever the column now is)."""
    headers = [str(c.value) for c in ws[1]]
    out: dict[str, dict[str, Any]] = {}
    for row in ws.iter_rows(min_row=2):
        values: dict[str, Any] = {h: c.value for h, c in zip(headers, row, strict=True)}
        ref = values.get("Reference")
        if isinstance(ref, str) and ref.startswith("ASC"):
            out[ref] = values
    return out


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


def test_managers_edits_survive_a_sync(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    first, second = _policy(journal), _policy(journal)
    sync(journal, path, today=TODAY)

    # A manager works on the register in Excel.
    wb = load_workbook(path)
    ws = wb["Register"]
    ws.insert_cols(3)  # a column between ours
    ws["C1"] = "Manager note"
    extra = ws.max_column + 1
    ws.cell(1, extra, "RAG")  # and one to the right
    typed = [[c.value for c in ws[r]] for r in (2, 3)]  # re-sort: newest first
    for r, values in zip((2, 3), reversed(typed), strict=True):
        for col, value in enumerate(values, start=1):
            ws.cell(r, col, value)
    ws["C2"], ws["C3"] = "Chase legal", "Fine"
    ws.cell(2, extra, "Red")
    ws.cell(3, extra, "Green")
    ws["B3"].comment = Comment("Check wording with Jo", "Manager")
    ws["A2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["A5"] = "Ad hoc: review of charging letters"  # typed row, no reference
    ws["A6"], ws["B6"] = "OLD-7", "Legacy policy kept by hand"
    wb.create_sheet("My notes")["A1"] = "Budget questions"
    green = DifferentialStyle(fill=PatternFill(bgColor="C6EFCE"))
    ws.conditional_formatting.add("D2:D40", Rule(type="expression", dxf=green, formula=["$D2>1"]))
    wb.save(path)

    journal.upsert_policy(first, {"status": "approved", "version": 2})
    third = _policy(journal, title="=1+1 not a formula")
    result = sync(journal, path, today=TODAY)
    assert result.written, result.reason
    assert "3 policies (1 new)" in result.reason

    wb = load_workbook(path)
    assert wb.sheetnames == ["Register", "History", "Dashboard", "My notes"]
    assert wb["My notes"]["A1"].value == "Budget questions"
    ws = wb["Register"]
    assert ws["A2"].value == second and ws["A3"].value == first  # manager's order kept
    assert ws["C1"].value == "Manager note"
    assert (ws["C2"].value, ws["C3"].value) == ("Chase legal", "Fine")
    assert (ws.cell(2, extra).value, ws.cell(3, extra).value) == ("Red", "Green")
    assert ws["B3"].comment is not None and ws["B3"].comment.text == "Check wording with Jo"
    assert ws["A2"].fill.fgColor.rgb == "00FFFF00"
    assert ws["A5"].value == "Ad hoc: review of charging letters"
    assert (ws["A6"].value, ws["B6"].value) == ("OLD-7", "Legacy policy kept by hand")
    assert ws["A7"].value == third  # new policies go at the bottom
    rows = _rows(ws)
    assert rows[first]["Status"] == "approved" and rows[first]["Version"] == 2
    assert rows[first]["Manager note"] == "Fine" and rows[first]["RAG"] == "Green"
    assert rows[second]["Status"] == "draft"
    assert ws.cell(7, extra).value is None
    table = ws.tables["PolicyRegister"]
    assert table.ref == f"A1:{get_column_letter(extra)}7"
    assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
    rules = {r.formula[0]: r.priority for cf in ws.conditional_formatting for r in cf.rules}
    assert set(rules) == {"$D2>1", '$O2="overdue"', '$O2="due within 90 days"'}
    assert len(set(rules.values())) == 3  # ours follow the moved column, the manager's stays
    (dv,) = ws.data_validations.dataValidation
    assert str(dv.sqref) == "E2:E7"  # Status moved right by the inserted column
    assert path.with_name("register.xlsx.bak").exists()
    assert not list(tmp_path.glob(".register.xlsx.*"))  # no temp files left behind


def test_open_in_excel_defers_the_update(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal)
    sync(journal, path, today=TODAY)
    before = path.read_bytes()
    owner = tmp_path / "~$register.xlsx"
    owner.write_bytes(bytes([9]) + b"Jo Bloggs".ljust(54) + b"\x00" * 110)
    journal.upsert_policy(ref, {"status": "approved"})
    assert is_locked(path)
    result = sync(journal, path, today=TODAY)
    assert not result.written
    assert "open in Excel" in result.reason and "Jo Bloggs" in result.reason
    assert "safe in the journal" in result.reason
    assert path.read_bytes() == before
    assert journal.register_pending()
    owner.unlink()
    assert not is_locked(path)
    assert sync(journal, path, today=TODAY).written
    assert not journal.register_pending()
    assert _rows(_sheet(path))[ref]["Status"] == "approved"


def test_long_names_use_excels_truncated_owner_file(tmp_path: Path) -> None:
    path = tmp_path / "adult-social-care-register.xlsx"
    create_empty(path)
    assert not is_locked(path)
    (tmp_path / "~$ult-social-care-register.xlsx").write_bytes(b"")
    assert is_locked(path)


def test_rolled_back_transaction_leaves_register_clean(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal)
    sync(journal, path, today=TODAY)
    with pytest.raises(OSError), journal.transaction():
        ref = journal.next_reference("ASC-POL", 3)
        journal.upsert_policy(ref, {"title": "Half processed"})
        journal.record_file("abc", "form.docx", "accepted", {})
        raise OSError("disk went away")
    assert not journal.register_pending()
    assert journal.file_outcome("abc") is None
    sync(journal, path, today=TODAY)
    assert len(_rows(_sheet(path))) == 1


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


def test_damaged_register_is_set_aside_and_rebuilt(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal)
    path.write_bytes(b"this is not a spreadsheet")
    result = sync(journal, path, today=TODAY)
    assert result.written
    assert "moved aside" in result.reason
    (aside,) = tmp_path.glob("register.damaged-*.xlsx")
    assert aside.read_bytes() == b"this is not a spreadsheet"
    assert list(_rows(_sheet(path))) == [ref]


def test_rebuild_equals_synced_content(journal: Journal, tmp_path: Path) -> None:
    synced, rebuilt = tmp_path / "register.xlsx", tmp_path / "copy" / "register.xlsx"
    rebuilt.parent.mkdir()
    for n in range(5):
        _policy(journal, status="approved" if n % 2 else "draft", pdf=f"outbox/p{n}.pdf")
    sync(journal, synced, today=TODAY)
    journal.upsert_policy("ASC-POL-002", {"status": "published"})
    _policy(journal)
    sync(journal, synced, today=TODAY)
    create_empty(rebuilt)
    result = rebuild(journal, rebuilt, today=TODAY)
    assert result.written and "before-rebuild" in result.reason
    assert list(rebuilt.parent.glob("register.before-rebuild-*.xlsx"))
    for sheet in ("Register", "History", "Dashboard"):
        a, b = _sheet(synced, sheet), _sheet(rebuilt, sheet)
        assert [[c.value for c in r] for r in a.iter_rows()] == [
            [c.value for c in r] for r in b.iter_rows()
        ], sheet


def test_due_lists_overdue_first_then_by_date(journal: Journal) -> None:
    late = _policy(journal, next_review=TODAY - timedelta(days=5))
    soon = _policy(journal, next_review=TODAY + timedelta(days=20))
    later = _policy(journal, next_review=TODAY + timedelta(days=10))
    _policy(journal, next_review=TODAY + timedelta(days=200))
    _policy(journal, next_review=None)
    found = due(journal, 30, TODAY)
    assert [p["ref"] for p in found] == [late, later, soon]
    assert found[0]["review_state"] == "overdue"


def test_a_review_date_stored_as_text_is_read_alike_everywhere(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal, next_review="01/10/2024")  # text, as a manager's import might leave
    sync(journal, path, today=TODAY)
    assert _rows(_sheet(path))[ref]["Review state"] == "overdue"
    dash = _sheet(path, "Dashboard")
    cells = {c.value: c for row in dash.iter_rows() for c in row if c.value is not None}
    assert dash.cell(cells["Overdue now"].row, 2).value == 1
    assert dash.cell(cells["No review date"].row, 2).value == 0
    assert [p["ref"] for p in due(journal, 30, TODAY)] == [ref]


def test_policies_find_their_rows_by_reference_and_new_ones_go_at_the_bottom() -> None:
    placing = PolicyRows()  # as both writers use it
    placing.seen(1, "ASC-POL-003")  # the header row is never a policy's
    placing.seen(2, " asc-pol-001 ")  # typed by a manager
    placing.seen(3)
    placing.seen(4, "ASC-POL-001")  # a policy may have two rows; both are written
    assert placing.rows({"ref": "ASC-POL-001"}) == [2, 4]
    assert placing.rows({"ref": "ASC-POL-002"}) == [5]
    assert placing.rows({"ref": "ASC-POL-003"}) == [6]
    assert (placing.updated, placing.added, placing.last) == (1, 2, 6)


def test_financial_quarters_and_review_states() -> None:
    assert financial_quarter(date(2026, 11, 23)) == (3, 2026)
    assert financial_quarter(date(2027, 1, 1)) == (4, 2026)
    assert financial_quarter(date(2026, 4, 1)) == (1, 2026)
    assert quarter_label(date(2026, 11, 23)) == "Q3 2026/27"
    assert quarter_label(date(2099, 4, 1)) == "Q1 2099/00"
    assert next_quarters(date(2026, 12, 31), 3) == ["Q3 2026/27", "Q4 2026/27", "Q1 2027/28"]
    assert next_quarters(date(2027, 3, 31))[-1] == "Q3 2028/29"  # two years on
    assert review_state(None, TODAY) == ""
    assert review_state(TODAY, TODAY) == "due within 90 days"
    assert review_state(TODAY + timedelta(days=91), TODAY) == "in date"


def test_big_register_syncs_in_one_pass(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    with journal.transaction():
        for n in range(300):
            journal.upsert_policy(f"ASC-POL-{n:03d}", {"title": f"Policy {n}", "status": "draft"})
    assert sync(journal, path, today=TODAY).written
    with journal.transaction():
        for n in range(0, 300, 10):
            journal.upsert_policy(f"ASC-POL-{n:03d}", {"status": "approved"})
    assert sync(journal, path, today=TODAY).written
    rows = _rows(_sheet(path))
    assert len(rows) == 300
    assert sum(r["Status"] == "approved" for r in rows.values()) == 30
    assert os.path.getsize(path) > 0


def _add_and_sync(journal_path: str, register_path: str, count: int) -> None:
    with Journal(Path(journal_path)) as j:
        for _ in range(count):
            _policy(j)
            assert sync(j, Path(register_path), today=TODAY).written


def test_two_processes_syncing_lose_nothing(tmp_path: Path) -> None:
    journal_path, path = tmp_path / "journal.sqlite", tmp_path / "register.xlsx"
    Journal(journal_path).close()
    ctx = multiprocessing.get_context("spawn")
    args = (str(journal_path), str(path), 15)
    procs = [ctx.Process(target=_add_and_sync, args=args) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    with Journal(journal_path) as j:
        assert not j.register_pending()  # the last sync saw every change
    rows = _rows(_sheet(path))
    assert sorted(rows) == [f"ASC-POL-{n:03d}" for n in range(1, 31)]
    assert not list(tmp_path.glob(".register.xlsx.*"))
