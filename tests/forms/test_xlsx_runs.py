"""The runs inside Excel cells: inline strings as openpyxl writes them, shared strings as
LibreOffice (and Excel) write them, and Excel's escapes undone exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pipeline.forms.xlsx_runs import CellRuns
from tests.helpers.soffice import libreoffice

BOLD, ITALIC = InlineFont(b=True), InlineFont(i=True)
RICH = CellRichText(
    ["We ", TextBlock(BOLD, "must"), " act ", TextBlock(ITALIC, "now"), TextBlock(InlineFont(sz=14), ".")]
)  # fmt: skip
EXPECTED = (("We ", None, None), ("must", True, False), (" act ", None, None), ("now", False, True), (".", False, False))  # fmt: skip
# An officer's literal "_x0041_" as Excel stores it; openpyxl's rich_text reading gives "A".
LITERAL = CellRichText([TextBlock(BOLD, "code _x005F_x0041_"), " stays"])


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Form"
    ws["A1"], ws["B2"], ws["C3"], ws["D4"] = "plain", RICH, LITERAL, 42
    wb.save(path)
    return path


def test_inline_strings_as_openpyxl_writes_them(tmp_path: Path) -> None:
    runs = CellRuns(_workbook(tmp_path / "inline.xlsx"))
    assert runs.of("Form", 1, 1) == EXPECTED
    assert runs.of("Form", 0, 0) == (("plain", None, None),)
    assert runs.of("Form", 2, 2) == (("code _x0041_", True, False), (" stays", None, None))
    assert runs.of("Form", 3, 3) is None  # a number: its plain text stands
    assert runs.of("Form", 9, 9) is None


@pytest.mark.requires_libreoffice
def test_shared_strings_as_libreoffice_saves_them(tmp_path: Path) -> None:
    made = _workbook(tmp_path / "form.xlsx")
    runs = CellRuns(libreoffice(made, "xlsx:Calc MS Excel 2007 XML", tmp_path / "saved"))
    # LibreOffice gives every run its own font: the plain stretches say "not bold" themselves.
    assert [(t, bool(b), bool(i)) for t, b, i in runs.of("Form", 1, 1) or ()] == [
        (t, bool(b), bool(i)) for t, b, i in EXPECTED
    ]
    assert [t for t, _, _ in runs.of("Form", 2, 2) or ()] == ["code _x0041_", " stays"]


def test_a_sheet_it_cannot_find_gives_no_runs(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx")
    assert CellRuns(path).of("Not a sheet", 1, 1) is None
    (tmp_path / "gone.xlsx").write_bytes(b"not a zip")
    assert CellRuns(tmp_path / "gone.xlsx").of("Form", 1, 1) is None
