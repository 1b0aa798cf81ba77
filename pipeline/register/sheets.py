"""The register's pipeline-owned sheets (History, Dashboard), and sheet helpers.

The helpers (formula-safe cell writes, growing a table, the review highlighting and Status
drop-down) are shared with the Register sheet in :mod:`pipeline.register.workbook`.

Unlike the Register sheet, History and Dashboard hold nothing a manager types: they are
rebuilt from the journal on every sync, in the same position among the sheets. Managers'
own notes belong on the Register sheet or on a sheet of their own, both of which survive.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.journal.store import Event, Journal
from pipeline.register.cells import clean, formula_like, stored
from pipeline.register.layout import (
    CHART_ANCHOR,
    DASHBOARD_WIDTHS,
    DUE_SOON,
    HEAD,
    HISTORY_COLUMNS,
    OVERDUE,
    STATUS_LIST,
    Look,
    dashboard_layout,
    history_values,
    review_date,
    review_state,
)

__all__ = ["apply_rules", "due", "fit_table", "put_value", "write_dashboard", "write_history"]

OVERDUE_FILL = PatternFill(bgColor="FFC7CE", fill_type="solid")
AMBER_FILL = PatternFill(bgColor="FFEB9C", fill_type="solid")


# --- cells ------------------------------------------------------------------------------------


def put_value(cell: Cell | MergedCell, value: Any, number_format: str | None = None) -> None:
    """Write a value the way a form's text must be written: never as a formula.

    Strings Excel would treat as formulas are stored as text cells with Excel's quote
    prefix, so the visible text is unchanged and re-editing the cell in Excel keeps it text.
    """
    if isinstance(cell, MergedCell):  # a manager merged cells here: nothing we can write
        return
    value = clean(value)
    cell.value = stored(value)
    quoted = formula_like(value)
    if quoted:
        cell.data_type = "s"
    if bool(cell.quotePrefix) != quoted:
        cell.quotePrefix = quoted
    if number_format and cell.number_format != number_format:
        cell.number_format = number_format


def fit_table(
    ws: Worksheet, name: str, first_row: int, last_row: int, first_col: int, last_col: int
) -> Table:
    """Make the named Excel table cover at least these cells (it never shrinks).

    Table columns are matched to header cells by name so settings on existing columns are
    kept, and a manager's column inserted inside the table becomes a table column.
    """
    table: Table | None = ws.tables[name] if name in ws.tables else None  # noqa: SIM401
    if table is not None:
        c1, r1, c2, r2 = range_boundaries(table.ref)
        first_col, first_row = min(first_col, c1 or first_col), min(first_row, r1 or first_row)
        last_col, last_row = max(last_col, c2 or last_col), max(last_row, r2 or last_row)
    else:
        table = Table(displayName=name, ref="A1:A2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    last_row = max(last_row, first_row + 1)  # a table needs a row below its header
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    existing = {col.name: col for col in table.tableColumns}
    columns: list[TableColumn] = []
    seen: set[str] = set()
    for index, col in enumerate(range(first_col, last_col + 1), start=1):
        cell = ws.cell(first_row, col)
        header = str(cell.value).strip() if cell.value not in (None, "") else f"Column{index}"
        while header in seen:  # Excel requires unique header names
            header += " 2"
        seen.add(header)
        if cell.value != header:
            cell.value = header
        column = existing.get(header) or TableColumn(id=index, name=header)
        column.id = index
        columns.append(column)
    table.tableColumns = columns
    table.ref = ref
    if table.autoFilter is None:
        table.autoFilter = AutoFilter(ref=ref)
    else:
        table.autoFilter.ref = ref
        if table.autoFilter.sortState is not None:
            table.autoFilter.sortState = None  # its range is stale; the rows keep their order
    if table.sortState is not None:
        table.sortState = None
    return table


def _is_review_rule(rule: Rule) -> bool:
    return any(f'="{text}"' in f for f in rule.formula or () for text in (OVERDUE, DUE_SOON))


def apply_rules(ws: Worksheet, status: int, next_review: int, state: int, last_row: int) -> None:
    """(Re)apply our conditional formatting and Status drop-down to the current rows.

    Managers' own rules are kept; ours are recognised by their content and replaced, so they
    follow our columns if a manager has moved them and cover rows added since.
    """
    kept = ConditionalFormattingList()
    priority = 0
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if not _is_review_rule(rule):
                kept.add(cf, rule)
                priority = max(priority, rule.priority or 0)
    anchor = f"${get_column_letter(state)}2"
    area = " ".join(
        f"{get_column_letter(c)}2:{get_column_letter(c)}{last_row}" for c in (next_review, state)
    )
    for text, fill, font in (
        (OVERDUE, OVERDUE_FILL, "9C0006"),
        (DUE_SOON, AMBER_FILL, "9C5700"),
    ):
        style = DifferentialStyle(fill=fill, font=Font(color=font))
        priority += 1  # after the manager's rules, never clashing with them
        rule = Rule(type="expression", dxf=style, formula=[f'{anchor}="{text}"'], priority=priority)
        kept.add(area, rule)
    ws.conditional_formatting = kept

    dvs = ws.data_validations
    dvs.dataValidation = [dv for dv in dvs.dataValidation if dv.formula1 != STATUS_LIST]
    letter = get_column_letter(status)
    dv = DataValidation(
        type="list",
        formula1=STATUS_LIST,
        allow_blank=True,
        errorStyle="warning",
        errorTitle="Status",
        error="Status is normally one of the listed values; the pipeline sets it from forms.",
    )
    dv.add(f"{letter}2:{letter}{last_row}")
    dvs.append(dv)


# --- reviews ----------------------------------------------------------------------------------


def due(journal: Journal, within_days: int, today: date) -> list[dict[str, Any]]:
    """Policies whose next review is before today + within_days: overdue first, then by date.

    Each dict is the policy's values plus ``review_state`` as of ``today``.
    """
    limit = today + timedelta(days=within_days)
    found = []
    for policy in journal.policies():
        when = review_date(policy)
        if when is not None and when < limit:
            found.append({**policy, "review_state": review_state(when, today)})
    found.sort(key=lambda p: (review_date(p) or limit, str(p["ref"])))
    return found


# --- sheets -----------------------------------------------------------------------------------


def _fresh_sheet(wb: Workbook, title: str, default_index: int) -> Worksheet:
    """Replace a pipeline-owned sheet with an empty one in the same place."""
    index = default_index
    if title in wb.sheetnames:
        index = wb.sheetnames.index(title)
        wb.remove(wb[title])
    ws = wb.create_sheet(title, min(index, len(wb.sheetnames)))
    assert isinstance(ws, Worksheet)
    return ws


def _apply(
    cell: Cell | MergedCell, value: Any, look: Look, proto: Cell | MergedCell | None = None
) -> None:
    """Write a value with its look; copying ``proto``'s style spares a style lookup per cell."""
    if isinstance(cell, MergedCell):  # never on our fresh sheets; keeps the types honest
        return
    if proto is not None:
        cell._style = copy(proto._style)  # type: ignore[attr-defined,union-attr]  # not in stubs
    else:
        if look.font is not None:
            cell.font = look.font
        if look.fill is not None:
            cell.fill = look.fill
        if look.alignment is not None:
            cell.alignment = look.alignment
    put_value(cell, value, look.number_format)


def write_history(wb: Workbook, events: Sequence[Event]) -> None:
    """One row per journal event, as a filterable table."""
    ws = _fresh_sheet(wb, "History", 1)
    for col, (header, width, _) in enumerate(HISTORY_COLUMNS, start=1):
        _apply(ws.cell(1, col), header, HEAD)
        ws.column_dimensions[get_column_letter(col)].width = width
    protos: list[Cell | MergedCell] = []
    for row, event in enumerate(events, start=2):
        for col, value in enumerate(history_values(event), start=1):
            cell = ws.cell(row, col)
            _apply(cell, value, HISTORY_COLUMNS[col - 1][2], protos[col - 1] if protos else None)
        if not protos:
            protos = [ws.cell(row, col) for col in range(1, len(HISTORY_COLUMNS) + 1)]
    fit_table(ws, "PolicyHistory", 1, len(events) + 1, 1, len(HISTORY_COLUMNS))
    ws.freeze_panes = "A2"
    _landscape(ws)
    ws.print_title_rows = "1:1"


def _landscape(ws: Worksheet) -> None:
    """Print one page wide, landscape, as managers print these for meetings."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


def write_dashboard(wb: Workbook, policies: Sequence[dict[str, Any]], today: date) -> None:
    """Counts by status, reviews due by financial quarter (with a chart) and the overdue list."""
    ws = _fresh_sheet(wb, "Dashboard", 2)
    for col, width in enumerate(DASHBOARD_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    layout = dashboard_layout(policies, today)
    for row, col, value, look in layout.cells:
        _apply(ws.cell(row, col), value, look)

    chart = BarChart()
    chart.type = "col"
    chart.title = "Reviews due by quarter"
    chart.y_axis.title = "Policies"
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False  # openpyxl hides axes by default in recent Excel
    chart.y_axis.delete = False
    first, last = layout.chart_first, layout.chart_first + layout.chart_rows - 1
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.width, chart.height = 21, 8
    ws.add_chart(chart, CHART_ANCHOR)
    _landscape(ws)
