"""register.xlsx: the policy register managers open in Excel, kept up to date from the journal.

The journal is the truth; the workbook is a view of it that people also edit. So a sync
loads the workbook once, writes only the cells the pipeline owns (our columns, found by
their header text, in rows whose Reference is a journal policy), appends new policies at
the bottom, and saves once, atomically. Everything else a manager did (extra columns and
sheets, notes, fills, sort order, rows they typed) is left as it was. When Excel has the
file open nothing is written and the journal keeps the update pending.

The History and Dashboard sheets are wholly the pipeline's and are rebuilt on every sync
(see :mod:`pipeline.register_dashboard`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import PipelineError
from pipeline.journal import Journal, Snapshot
from pipeline.register_dashboard import (
    apply_rules,
    as_text,
    due,
    fit_table,
    put_value,
    review_state,
    write_dashboard,
    write_history,
)
from pipeline.register_files import (
    DamagedRegister,
    is_locked,
    keep_copy,
    lock_detail,
    read_workbook,
    save_atomically,
    set_aside,
)

Kind = Literal["text", "date", "link", "int"]


@dataclass(frozen=True)
class Column:
    """One of the register's own columns; ``key`` is the key in the journal's policy dict."""

    key: str
    header: str
    width: float
    kind: Kind = "text"


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", 14),
    Column("title", "Title", 40),
    Column("version", "Version", 9, "int"),
    Column("status", "Status", 17),
    Column("change_type", "Change type", 16),
    Column("strategic_owner", "Strategic owner", 20),
    Column("business_owner", "Business owner", 20),
    Column("author", "Author", 20),
    Column("sign_off_level", "Sign-off level", 18),
    Column("approved_by", "Approved by", 20),
    Column("approval_date", "Approval date", 14, "date"),
    Column("last_review", "Last review", 14, "date"),
    Column("next_review", "Next review", 14, "date"),
    Column("review_state", "Review state", 20),
    Column("consultation", "Consultation", 34),
    Column("implementation_plan", "Implementation plan", 24),
    Column("impact_assessment", "Impact assessment", 24),
    Column("missing", "Missing before publication", 34),
    Column("pdf", "Latest PDF", 30, "link"),
    Column("docx", "Latest DOCX", 30, "link"),
    Column("updated", "Last updated", 17, "date"),
    Column("source", "Source form", 30),
)

SHEET = "Register"
TABLE = "PolicyRegister"
COMMENT_AUTHOR = "pipeline"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TOP = Alignment(vertical="top")
CENTRE_TOP = Alignment(vertical="top", horizontal="center")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3864")

__all__ = [
    "COLUMNS",
    "Column",
    "SyncResult",
    "create_empty",
    "due",
    "is_locked",
    "lock_detail",
    "rebuild",
    "sync",
]


@dataclass(frozen=True)
class SyncResult:
    """Whether register.xlsx was written, and a sentence for the person who ran the command."""

    written: bool
    reason: str


def _busy(path: Path, detail: str) -> SyncResult:
    return SyncResult(
        written=False,
        reason=(
            f"{path.name} is open in Excel ({detail}); your updates are safe in the journal and "
            "will be applied when it is closed, or run `pipeline register sync`"
        ),
    )


# --- cell values ------------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for parse in (date.fromisoformat, lambda s: datetime.strptime(s, "%d/%m/%Y").date()):
            try:
                return parse(value.strip())
            except ValueError:
                pass
    return None


def _link_target(value: Any, base: Path) -> str:
    """A hyperlink relative to the register's folder, so it opens from Excel on the share."""
    target = Path(str(value))
    if target.is_absolute():
        try:
            target = Path(os.path.relpath(target, base))
        except ValueError:  # another drive on Windows: keep it absolute
            return target.as_posix()
    return target.as_posix()


def _write_cell(
    cell: Cell, column: Column, policy: dict[str, Any], base: Path, today: date
) -> None:
    value = policy.get(column.key)
    if column.key == "review_state":
        value = review_state(_as_date(policy.get("next_review")), today)
    words = policy.get(f"{column.key}_text") if column.kind == "date" else None
    if value is None or value == "" or value == []:
        value = words  # a review "when the restructure completes" has words but no date
    if value is None or value == "" or value == []:
        put_value(cell, None)
        if column.kind == "link":
            cell.hyperlink = None
        _set_own_comment(cell, None)
        return
    if column.kind == "date":
        when = value if isinstance(value, datetime) else _as_date(value)
        if when is None:
            put_value(cell, as_text(value))
        elif isinstance(when, datetime):
            put_value(cell, when, DATETIME_FORMAT)
        else:
            put_value(cell, when, DATE_FORMAT)
        differs = when is not None and words and str(words).strip() != as_text(when)
        _set_own_comment(cell, f"As written on the form: {words}" if differs else None)
    elif column.kind == "int":
        text = str(value).strip()
        put_value(cell, int(text) if text.isdigit() else value)
    elif column.kind == "link":
        target = _link_target(value, base)
        put_value(cell, target)
        cell.hyperlink = target.replace(" ", "%20")
        if cell.font is None or cell.font.color is None:
            cell.font = Font(color="0563C1", underline="single")
    else:
        put_value(cell, as_text(value))


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


def _header_key(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _find_register(wb: Workbook) -> Worksheet:
    if SHEET in wb.sheetnames:
        return cast(Worksheet, wb[SHEET])
    for ws in wb.worksheets:  # renamed by a manager: recognise it by its headers
        if isinstance(ws, Worksheet) and {"reference", "title"} <= {
            _header_key(c.value) for c in ws[1]
        }:
            return ws
    return cast(Worksheet, wb.create_sheet(SHEET, 0))


def _header_cell(ws: Worksheet, index: int, column: Column) -> None:
    """Our header, styled explicitly so it reads as a header even where table styles don't show."""
    cell = ws.cell(1, index, column.header)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.column_dimensions[get_column_letter(index)].width = column.width


def _our_columns(ws: Worksheet) -> dict[str, int]:
    """Column index of each of our columns, by header text; missing ones are added on the right."""
    found: dict[str, int] = {}
    last = 0
    for (row, col), cell in ws._cells.items():
        if row == 1 and cell.value is not None:
            last = max(last, col)
            found.setdefault(_header_key(cell.value), col)
    columns: dict[str, int] = {}
    for column in COLUMNS:
        index = found.get(_header_key(column.header))
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
    rows_by_ref: dict[str, list[int]] = {}
    last_row = 1
    for (row, col), cell in list(ws._cells.items()):
        if cell.value is None:
            continue
        last_row = max(last_row, row)
        if col == ref_col and row > 1:
            rows_by_ref.setdefault(str(cell.value).strip().upper(), []).append(row)
    updated = added = 0
    for policy in policies:
        rows = rows_by_ref.get(str(policy["ref"]).strip().upper())
        if rows:
            updated += 1
        else:
            last_row += 1
            rows = [last_row]
            added += 1
        for row in rows:
            for column in COLUMNS:
                cell = ws.cell(row, cols[column.key])
                if not isinstance(cell, Cell):
                    continue  # merged by a manager: cannot be written
                fresh = not cell.has_style
                _write_cell(cell, column, policy, base, today)
                if fresh:
                    # one line per policy keeps a sorted, filtered register scannable
                    cell.alignment = CENTRE_TOP if column.kind in ("int", "date") else TOP
    last_row = max(last_row, 2)
    last_col = max(cols.values())
    while (header := ws._cells.get((1, last_col + 1))) is not None and header.value is not None:
        last_col += 1  # a manager's headed column beside ours joins the table, as in Excel
    fit_table(ws, TABLE, 1, last_row, min(cols.values()), last_col)
    apply_rules(ws, cols["status"], cols["next_review"], cols["review_state"], last_row)
    if ws.freeze_panes is None:
        ws.freeze_panes = "A2"
    return updated, added


# --- workbook level ---------------------------------------------------------------------------


def _new_workbook() -> Workbook:
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


def _load(path: Path) -> tuple[Workbook, str]:
    """Open the existing register, or a fresh one if missing or damaged (with a note why)."""
    if not path.exists():
        return _new_workbook(), f"created {path.name}"
    try:
        return read_workbook(path), ""
    except DamagedRegister as exc:
        aside = set_aside(path)
        note = (
            f"{path.name} could not be read ({exc}), so it was moved aside as {aside.name} and "
            "rebuilt from the journal; re-apply any notes or extra columns from that file"
        )
        return _new_workbook(), note


def _write(wb: Workbook, snap: Snapshot, path: Path, today: date) -> tuple[int, int]:
    ws = _find_register(wb)
    counts = _update_register(ws, snap.policies, path.parent.resolve(), today)
    write_history(wb, snap.events)
    write_dashboard(wb, snap.policies, today)
    wb.active = wb.sheetnames.index(ws.title)
    return counts


def _run(journal: Journal, path: Path, today: date | None, fresh: bool) -> SyncResult:
    path = Path(path)
    today = today or date.today()
    with journal.sync_lock():
        detail = lock_detail(path)
        if detail:
            return _busy(path, detail)
        snap = journal.snapshot()  # generation first: later changes stay pending
        try:
            if fresh:
                wb, note = _new_workbook(), ""
                if path.exists():
                    keep = keep_copy(path, "before-rebuild")
                    note = f"the previous file is kept as {keep.name}"
            else:
                wb, note = _load(path)
            _, added = _write(wb, snap, path, today)
            save_atomically(wb, path)
        except PermissionError as exc:
            return _busy(path, f"it cannot be written: {exc.strerror or exc}")
        journal.mark_register_synced(snap.generation)
    verb = "rebuilt" if fresh else "updated"
    summary = (
        f"{verb} {path.name}: {len(snap.policies)} policies ({added} new), "
        f"{len(snap.events)} history entries"
    )
    return SyncResult(written=True, reason=f"{summary}; {note}" if note else summary)


def sync(journal: Journal, path: Path, *, today: date | None = None) -> SyncResult:
    """Bring register.xlsx up to date with the journal, keeping managers' edits.

    Always rewrites when it can, because review states depend on ``today`` as well as on the
    journal. If the register is open in Excel, nothing is written and the update stays
    pending in the journal.
    """
    return _run(journal, path, today, fresh=False)


def rebuild(journal: Journal, path: Path, *, today: date | None = None) -> SyncResult:
    """Recreate register.xlsx from the journal alone (managers' edits are not carried over).

    The old file is kept as ``<name>.before-rebuild-<timestamp>.xlsx`` as well as ``.bak``,
    so a later sync cannot overwrite the only copy of the managers' edits.
    """
    return _run(journal, path, today, fresh=True)


def create_empty(path: Path) -> None:
    """A fresh register with headers and empty History and Dashboard sheets, for `pipeline init`."""
    path = Path(path)
    if path.exists():
        raise PipelineError(
            f"{path} already exists; use `pipeline register rebuild` to recreate it from the journal"
        )
    wb = _new_workbook()
    _write(wb, Snapshot(0, False, [], []), path, date.today())
    save_atomically(wb, path)
