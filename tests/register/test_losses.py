"""The loss check counts managers' features in the parts that differ, and only those.

Parts are written here as the XML a workbook holds; what is counted is read back by the
real counting code, nothing stubbed.
"""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.register.losses import lost_between

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def _sheet(rows: int, drop_downs: int, prefix: str = "") -> bytes:
    """A sheet with ``rows`` rows of cells and the manager's own ``drop_downs`` after them."""
    p = f"{prefix}:" if prefix else ""
    cells = "".join(
        f'<{p}row r="{n}"><{p}c r="A{n}" t="inlineStr"><{p}is><{p}t>ASC-POL-{n:03d}</{p}t>'
        f"</{p}is></{p}c></{p}row>"
        for n in range(1, rows + 1)
    )
    checks = "".join(
        f'<{p}dataValidation type="list" sqref="Z{n}"><{p}formula1>"Yes,No"</{p}formula1>'
        f"</{p}dataValidation>"
        for n in range(1, drop_downs + 1)
    )
    xmlns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    return (
        f"<{p}worksheet {xmlns}><{p}sheetData>{cells}</{p}sheetData>"
        f'<{p}dataValidations count="{drop_downs}">{checks}</{p}dataValidations></{p}worksheet>'
    ).encode()


@pytest.mark.parametrize("prefix", ["", "x"], ids=["as Excel writes it", "prefixed"])
def test_a_drop_down_lost_after_the_cells_is_found_and_counted_in_the_files_totals(
    prefix: str,
) -> None:
    before = {SHEET: _sheet(500, 3, prefix), "xl/worksheets/sheet2.xml": _sheet(5, 1, prefix)}
    after = {SHEET: _sheet(501, 2, prefix), "xl/worksheets/sheet2.xml": _sheet(5, 1, prefix)}
    assert lost_between(before, after) == ["1 of its 4 drop-downs (data validation)"]
    assert lost_between(before, {**after, SHEET: _sheet(501, 3, prefix)}) == []


def test_a_part_carried_across_byte_for_byte_is_not_parsed_again() -> None:
    # a part no XML parser accepts: had it been parsed, the check would raise
    carried = b"<worksheet><sheetData></worksheet>"
    before = {SHEET: _sheet(3, 1), "xl/worksheets/sheet2.xml": carried}
    after = {SHEET: _sheet(4, 1), "xl/worksheets/sheet2.xml": carried}
    assert lost_between(before, after) == []
    with pytest.raises(etree.XMLSyntaxError):
        lost_between(before, {**after, "xl/worksheets/sheet2.xml": carried + b" "})


def test_a_part_gone_or_renamed_is_counted_on_both_sides() -> None:
    manager = {"xl/worksheets/sheet9.xml": _sheet(2, 2)}
    assert lost_between({SHEET: _sheet(3, 0), **manager}, {SHEET: _sheet(3, 0)}) == [
        "2 of its 2 drop-downs (data validation)"
    ]
    renamed = {"xl/worksheets/sheet10.xml": _sheet(2, 2)}  # as openpyxl renumbers parts
    assert lost_between({SHEET: _sheet(3, 0), **manager}, {SHEET: _sheet(3, 0), **renamed}) == []
