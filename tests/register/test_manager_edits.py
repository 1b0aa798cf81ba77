"""What managers do to register.xlsx in Excel, made for real, then synced by both writers.

Each edit is made with openpyxl where openpyxl can make it, and by LibreOffice Calc through
UNO where it cannot (pivot table, shapes and text boxes, a picture, the table turned into a
range; one soffice for the whole module). Each edited workbook then meets a journal change
and a sync, by the fast path and by openpyxl (``fast=False``), and the zip is read back: the
edit is still there and the new values arrived, or the file is byte for byte as it was, the
update still waits in the journal and the message says how to get it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cli import cli
from pipeline.errors import PipelineError
from pipeline.journal.store import Journal
from pipeline.register.workbook import held, rebuild, sync
from pipeline.register.xml.fast import patch
from pipeline.watch.status import workspace_status
from pipeline.workspace import Workspace
from tests.helpers.packages import package_parts
from tests.helpers.register import TODAY

UNO_SCRIPT = Path(__file__).resolve().parent.parent / "helpers" / "calc_edits.py"
NEW_TITLE = "Charging for care and support (revised)"


def _journal(path: Path) -> Journal:
    """Five policies, the same every time, so a register built once matches any copy."""
    journal = Journal(path)
    for n in range(1, 6):
        journal.upsert_policy(
            f"ASC-POL-{n:03d}",
            {
                "title": f"Policy {n}",
                "version": 1,
                "status": "approved" if n % 2 else "draft",
                "business_owner": "Sarah Mackereth",
                "next_review": TODAY + timedelta(days=100 * n),
                "updated": datetime(2026, 11, 20, 14, 5),
            },
        )
    return journal


def _register(ws: Workbook) -> Worksheet:
    sheet = ws["Register"]
    assert isinstance(sheet, Worksheet)
    return sheet


# --- edits openpyxl can make ------------------------------------------------------------------


def _own_sheet(wb: Workbook) -> None:
    wb.create_sheet("Budget notes").append(["Team", "Budget"])


def _chart(wb: Workbook) -> None:
    ws = wb.create_sheet("My chart")
    for row in (["Q1", 3], ["Q2", 5]):
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    ws.add_chart(chart, "D2")


def _comment(wb: Workbook) -> None:
    _register(wb)["B3"].comment = Comment("Ask Sarah before June", "Jo Bloggs")


def _validation(wb: Workbook) -> None:
    dv = DataValidation(type="list", formula1='"Yes,No"')
    dv.add("X2:X20")
    _register(wb).add_data_validation(dv)


def _highlight(wb: Workbook) -> None:
    fill = PatternFill("solid", start_color="FFFF00")
    rule = CellIsRule(operator="equal", formula=['"Policy 3"'], fill=fill)
    _register(wb).conditional_formatting.add("B2:B20", rule)


def _hidden(wb: Workbook) -> None:
    _register(wb).column_dimensions["D"].hidden = True


def _inserted(wb: Workbook) -> None:
    ws = _register(wb)
    ws.insert_cols(3)
    ws["C1"] = "Manager notes"
    ws["C2"] = "keep an eye on this"


def _sorted(wb: Workbook) -> None:
    ws = _register(wb)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    for r, values in enumerate(sorted(rows, key=lambda v: str(v[0]), reverse=True), start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)


def _filter(wb: Workbook) -> None:
    table = _register(wb).tables["PolicyRegister"]
    assert table.autoFilter is not None
    table.autoFilter.add_filter_column(0, ["ASC-POL-001", "ASC-POL-003"])


def _renamed(wb: Workbook) -> None:
    _register(wb).title = "Policies"


OPENPYXL_EDITS: dict[str, Callable[[Workbook], None]] = {
    "own sheet": _own_sheet,
    "chart": _chart,
    "comment": _comment,
    "data validation": _validation,
    "conditional format": _highlight,
    "hidden column": _hidden,
    "inserted column": _inserted,
    "sorted rows": _sorted,
    "filter": _filter,
    "renamed sheet": _renamed,
}
UNO_EDITS = {"pivot table": "pivot", "shapes": "shapes", "picture": "picture", "range": "range"}


# --- what must survive, read from the zip -----------------------------------------------------


def _all(path: Path, folder: str) -> bytes:
    return b"".join(data for name, data in package_parts(path).items() if name.startswith(folder))


SURVIVES: dict[str, Callable[[Path], bool]] = {
    "own sheet": lambda p: b'name="Budget notes"' in package_parts(p)["xl/workbook.xml"],
    "chart": lambda p: len([n for n in package_parts(p) if n.startswith("xl/charts/chart")]) == 2,
    "comment": lambda p: b"Ask Sarah before June" in _all(p, "xl/comments"),
    "data validation": lambda p: (
        b"&quot;Yes,No&quot;" in _all(p, "xl/worksheets/")
        or b'"Yes,No"' in _all(p, "xl/worksheets/")
    ),
    "conditional format": lambda p: b"Policy 3" in _all(p, "xl/worksheets/"),
    "hidden column": lambda p: (
        re.search(rb'<col [^>]*hidden="(1|true)"', _all(p, "xl/worksheets/")) is not None
    ),
    "inserted column": lambda p: "keep an eye on this" in _values(p),
    "sorted rows": lambda p: _refs(p)[:5] == [f"ASC-POL-{n:03d}" for n in range(5, 0, -1)],
    "filter": lambda p: b"filterColumn" in _all(p, "xl/tables/"),
    "renamed sheet": lambda p: b'name="Policies"' in package_parts(p)["xl/workbook.xml"],
    "pivot table": lambda p: any(n.startswith("xl/pivotTables/") for n in package_parts(p)),
    "shapes": lambda p: b"Check with Sarah" in _all(p, "xl/drawings/"),
    "picture": lambda p: any(n.startswith("xl/media/") for n in package_parts(p)),
    "range": lambda p: True,  # nothing of the manager's to keep: the table may come back
}

# which writer keeps each edit ("kept") or must leave the file alone ("held")
EXPECTED: dict[str, tuple[str, str]] = {
    "own sheet": ("kept", "kept"),
    "chart": ("kept", "kept"),
    "comment": ("kept", "kept"),
    "data validation": ("kept", "kept"),
    "conditional format": ("kept", "kept"),
    "hidden column": ("kept", "kept"),
    "inserted column": ("kept", "kept"),
    "sorted rows": ("kept", "kept"),
    "filter": ("kept", "kept"),
    "renamed sheet": ("kept", "kept"),
    "pivot table": ("kept", "kept"),
    "shapes": ("held", "held"),
    "picture": ("held", "held"),
    "range": ("kept", "kept"),
}
# edits after which the fast path still recognises the workbook (the rest go through openpyxl:
# LibreOffice rewrites the highlighting; a new column or renamed sheet needs openpyxl's care)
FAST_APPLIES = {
    "own sheet", "chart", "comment", "data validation", "hidden column", "sorted rows", "filter",
}  # fmt: skip


def _values(path: Path) -> set[object]:
    wb = load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}


def _refs(path: Path) -> list[str]:
    wb = load_workbook(path)
    ws = wb["Register"] if "Register" in wb.sheetnames else wb.worksheets[0]
    return [str(c.value) for c in ws["A"][1:] if c.value]


# --- the edited workbooks, made once per module -----------------------------------------------


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("manager-edits")
    base = folder / "register.xlsx"
    with _journal(folder / "journal.sqlite") as journal:
        assert sync(journal, base, today=TODAY).written
    out: dict[str, Path] = {}
    for case, edit in OPENPYXL_EDITS.items():
        wb = load_workbook(base)
        edit(wb)
        out[case] = folder / f"{case}.xlsx"
        wb.save(out[case])
    if shutil.which("soffice") and Path("/usr/bin/python3").exists():
        jobs = [
            {"src": str(base), "dst": str(folder / f"{case}.xlsx"), "edit": edit}
            for case, edit in UNO_EDITS.items()
        ]
        subprocess.run(
            ["/usr/bin/python3", str(UNO_SCRIPT), str(folder / "lo-profile"), json.dumps(jobs)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        out.update({case: folder / f"{case}.xlsx" for case in UNO_EDITS})
    return out


@pytest.mark.requires_libreoffice
@pytest.mark.requires_uno
@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "openpyxl"])
@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_sync_keeps_the_managers_edit_or_leaves_the_file_alone(
    edited: dict[str, Path], tmp_path: Path, case: str, fast: bool
) -> None:
    path = tmp_path / "register.xlsx"
    shutil.copy(edited[case], path)
    assert SURVIVES[case](path)  # the edit is really there before the sync
    before = path.read_bytes()
    with _journal(tmp_path / "journal.sqlite") as journal:
        journal.upsert_policy("ASC-POL-002", {"title": NEW_TITLE})
        journal.upsert_policy("ASC-POL-006", {"title": "Policy 6", "status": "draft"})
        if fast:
            assert (patch(path, journal.snapshot(), TODAY) is not None) == (case in FAST_APPLIES)
        result = sync(journal, path, today=TODAY, fast=fast)
        pending = journal.register_pending()
    outcome = "kept" if result.written else "held"
    assert outcome == EXPECTED[case][0 if fast else 1], result.reason
    if result.written:
        assert SURVIVES[case](path), f"{case} lost by a sync that wrote: {result.reason}"
        assert {NEW_TITLE, "ASC-POL-006"} <= _values(path)
        assert not pending
    else:
        assert path.read_bytes() == before
        assert pending
        assert "register rebuild --to" in result.reason
        assert "lose" in result.reason


@pytest.mark.requires_libreoffice
@pytest.mark.requires_uno
def test_a_held_register_gets_its_update_in_a_new_file(
    edited: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    shutil.copy(edited["shapes"], path)
    before = path.read_bytes()
    new = tmp_path / "register-new.xlsx"
    with _journal(tmp_path / "journal.sqlite") as journal:
        journal.upsert_policy("ASC-POL-002", {"title": NEW_TITLE})
        result = sync(journal, path, today=TODAY)
        assert not result.written
        assert "2 of its 2 shapes or text boxes" in result.reason
        assert held(journal, path, today=TODAY) == result.reason  # what `pipeline status` says
        done = rebuild(journal, path, today=TODAY, to=new)
        assert done.written
        assert journal.register_pending()  # register.xlsx itself still lacks the update
    assert path.read_bytes() == before
    assert NEW_TITLE in _values(new)
    with pytest.raises(PipelineError, match="already exists"):
        rebuild(journal, path, today=TODAY, to=new)  # never over a file that is there


@pytest.mark.requires_libreoffice
@pytest.mark.requires_uno
def test_status_says_why_and_rebuild_to_writes_a_new_file(
    edited: dict[str, Path], workspace: Workspace
) -> None:
    shutil.copy(edited["shapes"], workspace.register)
    before = workspace.register.read_bytes()
    with _journal(workspace.journal_path) as journal:
        journal.upsert_policy("ASC-POL-002", {"title": NEW_TITLE})
    lines = workspace_status(workspace).lines()
    assert any(
        line.startswith("Register: NOT UPDATED") and "shapes or text boxes" in line
        for line in lines
    ), lines
    new = workspace.root / "register-new.xlsx"
    runner = CliRunner()
    args = ["register", "rebuild", "--to", str(new), "--workspace", str(workspace.root)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "register.xlsx was not touched" in result.output
    assert NEW_TITLE in _values(new)
    assert workspace.register.read_bytes() == before
    assert runner.invoke(cli, args).exit_code != 0  # the new file is there now: not overwritten
