"""The register's XML fast path: real files, written by a second sync, read back with openpyxl."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.journal import Event, Journal
from pipeline.register import COLUMNS, rebuild, sync
from pipeline.register_fast import patch

TODAY = date(2026, 11, 23)
HEADERS = [c.header for c in COLUMNS]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / ".pipeline" / "journal.sqlite") as j:
        yield j


def _policy(journal: Journal, n: int, **values: Any) -> str:
    ref = f"ASC-POL-{n:03d}"
    base: dict[str, Any] = {
        "title": f"Policy {n}",
        "version": 1,
        "status": "draft",
        "business_owner": "Sarah Mackereth",
        "next_review": TODAY + timedelta(days=400),
        "updated": datetime(2026, 11, 20, 14, 5),
    }
    journal.upsert_policy(ref, {**base, **values})
    journal.add_event(
        Event(
            datetime(2026, 11, 20, 9, n), f"{ref}.docx", "Policy request", ref, "SM", "accepted", ""
        )
    )
    return ref


def _cells(path: Path, sheet: str = "Register") -> list[list[Any]]:
    ws = load_workbook(path)[sheet]
    assert isinstance(ws, Worksheet)
    return [[c.value for c in row] for row in ws.iter_rows()]


def _by_header(ws: Worksheet, row: int) -> dict[str, Any]:
    return {str(h.value): c for h, c in zip(ws[1], ws[row], strict=False)}


def _fast(journal: Journal, path: Path) -> bool:
    """Whether the next sync of ``path`` can take the fast path (nothing is written here)."""
    return patch(path, journal.snapshot(), TODAY) is not None


def test_second_sync_patches_the_xml_and_matches_a_rebuild(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    for n in range(1, 6):
        _policy(journal, n, status="approved" if n % 2 else "draft", pdf=f"outbox/p{n}.pdf")
    sync(journal, path, today=TODAY)  # created through openpyxl
    with zipfile.ZipFile(path) as zf:
        before = {name: zf.read(name) for name in zf.namelist()}

    journal.upsert_policy("ASC-POL-002", {"status": "published", "pdf": "outbox/new one.pdf"})
    journal.upsert_policy("ASC-POL-004", {"pdf": None, "title": "=1+1 not a formula"})
    _policy(journal, 6, next_review=TODAY - timedelta(days=3), author="-Jo")
    _policy(journal, 7, next_review=date(2027, 1, 15), docx="outbox/p7.docx")
    assert _fast(journal, path)
    result = sync(journal, path, today=TODAY)
    assert result.written and "7 policies (2 new)" in result.reason

    with zipfile.ZipFile(path) as zf:
        after = {name: zf.read(name) for name in zf.namelist()}
    assert set(after) == set(before)
    untouched = {"xl/theme/theme1.xml", "docProps/core.xml", "xl/drawings/drawing1.xml"}
    assert all(after[name] == before[name] for name in untouched)

    rebuilt = tmp_path / "copy" / "register.xlsx"
    rebuilt.parent.mkdir()
    rebuild(journal, rebuilt, today=TODAY)
    for sheet in ("Register", "History", "Dashboard"):
        assert _cells(path, sheet) == _cells(rebuilt, sheet), sheet

    wb = load_workbook(path)
    ws = wb["Register"]
    row2, row5, row7 = _by_header(ws, 3), _by_header(ws, 5), _by_header(ws, 7)
    assert row2["Latest PDF"].hyperlink.target == "outbox/new%20one.pdf"
    assert row5["Latest PDF"].hyperlink is None and row5["Latest PDF"].value is None
    assert row5["Title"].value == "=1+1 not a formula" and row5["Title"].quotePrefix
    assert row5["Title"].data_type == "s"
    new = _by_header(ws, 8)
    assert new["Reference"].value == "ASC-POL-007"
    assert new["Latest DOCX"].hyperlink.target == "outbox/p7.docx"
    assert new["Next review"].number_format == "dd/mm/yyyy"
    assert new["Next review"].alignment.horizontal == "center"
    assert new["Title"].alignment.vertical == "top"
    assert row7["Author"].value == "-Jo" and row7["Author"].quotePrefix
    assert row7["Review state"].value == "overdue"
    table = ws.tables["PolicyRegister"]
    assert table.ref == "A1:V8" and table.autoFilter.ref == "A1:V8"
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {"M2:M8 N2:N8"}
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["D2:D8"]
    assert ws.freeze_panes == "A2"
    history = wb["History"]
    assert history.max_row == 8 and history.tables["PolicyHistory"].ref == "A1:G8"
    assert history["A8"].number_format == "dd/mm/yyyy hh:mm"
    chart = after["xl/charts/chart1.xml"].decode()
    dash = wb["Dashboard"]
    quarters = [r for r in range(1, 40) if str(dash.cell(r, 1).value).startswith("Q")]
    assert f"$A${quarters[0]}:$A${quarters[-1]}" in chart
    assert f"$B${quarters[0]}:$B${quarters[-1]}" in chart


def test_managers_edits_survive_the_fast_path(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    first, second = _policy(journal, 1), _policy(journal, 2)
    sync(journal, path, today=TODAY)

    wb = load_workbook(path)  # a manager works on the register
    ws = wb["Register"]
    ws["B3"].comment = Comment("Check wording with Jo", "Manager")
    ws["D2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["A5"] = "Ad hoc: review of charging letters"
    ws["X2"] = "unheaded note"
    wb.create_sheet("My notes")["A1"] = "Budget questions"
    wb.save(path)

    journal.upsert_policy(first, {"status": "approved"})
    journal.upsert_policy(second, {"title": "Renamed"})
    third = _policy(journal, 3)
    assert _fast(journal, path)
    assert sync(journal, path, today=TODAY).written

    wb = load_workbook(path)
    assert wb.sheetnames == ["Register", "History", "Dashboard", "My notes"]
    assert wb["My notes"]["A1"].value == "Budget questions"
    ws = wb["Register"]
    assert ws["D2"].value == "approved" and ws["D2"].fill.fgColor.rgb == "00FFFF00"
    assert ws["B3"].value == "Renamed" and ws["B3"].comment is not None
    assert ws["B3"].comment.text == "Check wording with Jo"
    assert ws["A5"].value == "Ad hoc: review of charging letters"
    assert ws["X2"].value == "unheaded note"
    assert ws["A6"].value == third  # below the manager's typed row
    assert path.with_name("register.xlsx.bak").exists()
    assert not list(tmp_path.glob(".register.xlsx.*"))


def test_what_the_fast_path_cannot_do_goes_through_openpyxl(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal, 1)
    sync(journal, path, today=TODAY)
    # the pipeline's note on a date written in words is added by openpyxl
    journal.upsert_policy(ref, {"next_review": date(2017, 10, 1), "next_review_text": "Q3 17/18"})
    assert not _fast(journal, path)
    assert sync(journal, path, today=TODAY).written
    ws = load_workbook(path)["Register"]
    assert ws["M2"].comment is not None and "Q3 17/18" in ws["M2"].comment.text
    assert ws["N2"].value == "overdue"
    # a manager's column inside the table is added to it by openpyxl
    wb = load_workbook(path)
    wb["Register"].insert_cols(3)
    wb["Register"]["C1"] = "Manager note"
    wb.save(path)
    assert not _fast(journal, path)
    assert sync(journal, path, today=TODAY).written
    table = load_workbook(path)["Register"].tables["PolicyRegister"]
    assert "Manager note" in [c.name for c in table.tableColumns]
    assert _fast(journal, path)  # and the sync after that is fast again


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_reads_a_patched_register_and_its_resave(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal, 1)
    sync(journal, path, today=TODAY)
    _policy(journal, 2, title="=SUM(1,2)", pdf="outbox/p2.pdf")
    assert _fast(journal, path)
    sync(journal, path, today=TODAY)
    profile = (tmp_path / "lo-profile").as_uri()
    lo = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to"]
    out = tmp_path / "out"
    subprocess.run(
        [*lo, "csv", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180
    )
    with open(out / "register.csv", newline="", encoding="utf-8", errors="replace") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["Reference", "Title"]
    assert rows[2][:2] == ["ASC-POL-002", "=SUM(1,2)"]

    # LibreOffice's own save (shared strings, its own styles), as after a manager's edit
    resaved = tmp_path / "lo" / "register.xlsx"
    subprocess.run(
        [*lo, "xlsx:Calc MS Excel 2007 XML", "--outdir", str(resaved.parent), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    shutil.copy(resaved, path)
    journal.upsert_policy("ASC-POL-001", {"status": "approved"})
    assert sync(journal, path, today=TODAY).written
    ws = load_workbook(path)["Register"]
    rows_by_ref = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows_by_ref["ASC-POL-001"][3] == "approved"
    assert rows_by_ref["ASC-POL-002"][1] == "=SUM(1,2)"
