"""The openpyxl writer of register.xlsx: creates and rebuilds it, and syncs what the fast path cannot.

Split from :mod:`pipeline.register.workbook` (which decides when to write and guards the
file) so that module stays about the sync's safety: this one only puts the journal's values
into an openpyxl workbook held in memory, cell by cell, as :mod:`pipeline.register.xml.patch`
does in XML. It refuses to touch a cell it does not own: a manager's font, note (any note
whose author is not the pipeline's) or merged cell is left as it is. It never reads or
writes a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.journal.store import Snapshot
from pipeline.register.cells import (
    COLUMNS,
    COMMENT_AUTHOR,
    SHEET,
    TABLE,
    Column,
    PolicyRows,
    content,
    header_key,
)
from pipeline.register.layout import (
    CENTRE_TOP,
    HEAD_FILL,
    HEAD_FONT,
    LINK_FONT,
    TOP,
    review_date,
    review_state,
)
from pipeline.register.sheets import (
    apply_rules,
    fit_table,
    put_value,
    write_dashboard,
    write_history,
)

# --- cell values ------------------------------------------------------------------------------


def _write_cell(
    cell: Cell, column: Column, policy: dict[str, Any], base: Path, review: str
) -> None:
    spec = content(column, policy, base, review)
    put_value(cell, spec.value, spec.number_format)
    if column.kind == "link":
        cell.hyperlink = spec.link
        if spec.link is not None and not _has_own_font(cell):
            cell.font = LINK_FONT
    if spec.own_comment:
        _set_own_comment(cell, spec.comment)


def _has_own_font(cell: Cell) -> bool:
    """Whether the cell's font is not the workbook's default (font 0): a manager's, kept."""
    style = cell._style  # type: ignore[attr-defined]  # the cell's style indices, not in stubs
    return style is not None and style.fontId != 0


def _set_own_comment(cell: Cell, text: str | None) -> None:
    """Add, change or remove the pipeline's note; a note a person wrote is never touched."""
    current = cell.comment
    if current is not None and current.author != COMMENT_AUTHOR:
        return
    if text is None:
        if current is not None:
            cell.comment = None
    elif current is None or current.text != text:
        cell.comment = Comment(text, COMMENT_AUTHOR, width=220, height=60)


# --- the Register sheet -----------------------------------------------------------------------


def _find_register(wb: Workbook) -> Worksheet:
    if SHEET in wb.sheetnames:
        return cast(Worksheet, wb[SHEET])
    for ws in wb.worksheets:  # renamed by a manager: recognise it by its headers
        if isinstance(ws, Worksheet) and {"reference", "title"} <= {
            header_key(c.value) for c in ws[1]
        }:
            return ws
    return cast(Worksheet, wb.create_sheet(SHEET, 0))


def _header_cell(ws: Worksheet, index: int, column: Column) -> None:
    """Our header, styled explicitly so it reads as a header even where table styles don't show."""
    cell = ws.cell(1, index, column.header)
    cell.font = HEAD_FONT
    cell.fill = HEAD_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.column_dimensions[get_column_letter(index)].width = column.width


def _our_columns(ws: Worksheet) -> dict[str, int]:
    """Column index of each of our columns, by header text; missing ones are added on the right."""
    found: dict[str, int] = {}
    last = 0
    for (row, col), cell in ws._cells.items():
        if row == 1 and cell.value is not None:
            last = max(last, col)
            found.setdefault(header_key(cell.value), col)
    columns: dict[str, int] = {}
    for column in COLUMNS:
        index = found.get(header_key(column.header))
        if index is None:
            last += 1
            index = last
            _header_cell(ws, index, column)
        columns[column.key] = index
    return columns


def _update_register(
    ws: Worksheet, policies: Iterable[dict[str, Any]], base: Path, today: date
) -> tuple[int, int]:
    """Write our cells for every policy; returns (policies updated in place, policies added)."""
    cols = _our_columns(ws)
    ref_col = cols["ref"]
    placing = PolicyRows()
    for (row, col), cell in list(ws._cells.items()):
        if cell.value is not None:
            placing.seen(row, cell.value if col == ref_col else None)
    for policy in policies:
        review = review_state(review_date(policy), today)
        for row in placing.rows(policy):
            for column in COLUMNS:
                cell = ws.cell(row, cols[column.key])
                if not isinstance(cell, Cell):
                    continue  # merged by a manager: cannot be written
                fresh = not cell.has_style
                _write_cell(cell, column, policy, base, review)
                if fresh:
                    # one line per policy keeps a sorted, filtered register scannable
                    cell.alignment = CENTRE_TOP if column.kind in ("int", "date") else TOP
    last_row = max(placing.last, 2)
    last_col = max(cols.values())
    while (header := ws._cells.get((1, last_col + 1))) is not None and header.value is not None:
        last_col += 1  # a manager's headed column beside ours joins the table, as in Excel
    fit_table(ws, TABLE, 1, last_row, min(cols.values()), last_col)
    apply_rules(ws, cols["status"], cols["next_review"], cols["review_state"], last_row)
    if ws.freeze_panes is None:
        ws.freeze_panes = "A2"
    return placing.updated, placing.added


# --- workbook level ---------------------------------------------------------------------------


def new_workbook() -> Workbook:
    """A fresh register: headers, widths, table, frozen header, print set-up for A3/A4 landscape."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = SHEET
    for index, column in enumerate(COLUMNS, start=1):
        _header_cell(ws, index, column)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.print_title_rows = "1:1"
    return wb


def write(wb: Workbook, snap: Snapshot, path: Path, today: date) -> tuple[int, int]:
    """Our cells, History and Dashboard into ``wb``; (policies updated in place, added)."""
    ws = _find_register(wb)
    counts = _update_register(ws, snap.policies, path.parent.resolve(), today)
    write_history(wb, snap.events)
    write_dashboard(wb, snap.policies, today)
    wb.active = wb.sheetnames.index(ws.title)
    return counts
