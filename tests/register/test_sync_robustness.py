"""register.xlsx kept whole (no mocks): managers' edits survive a sync, a register open in
Excel defers the update, rolled back and damaged registers, big ones, two processes at once.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.styles import PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter

from pipeline.journal.store import Journal
from pipeline.register.workbook import create_empty, is_locked, rebuild, sync
from tests.helpers.register import TODAY
from tests.helpers.register_journal import _policy, _rows, _sheet


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
