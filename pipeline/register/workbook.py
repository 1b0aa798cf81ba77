"""register.xlsx: the policy register managers open in Excel, kept up to date from the journal.

The journal is the truth; the workbook is a view of it that people also edit. So a sync
loads the workbook once, writes only the cells the pipeline owns (our columns, found by
their header text, in rows whose Reference is a journal policy), appends new policies at
the bottom, and saves once, atomically. Everything else a manager did (extra columns and
sheets, notes, fills, sort order, rows they typed) is left as it was. When Excel has the
file open nothing is written and the journal keeps the update pending.

The History and Dashboard sheets are wholly the pipeline's and are rebuilt on every sync
(see :mod:`pipeline.register.sheets`).

A sync of an existing register normally patches the sheet XML inside the file instead of
loading it into openpyxl (:mod:`pipeline.register.xml.fast`), because openpyxl's load and save
of a 1,000-policy register alone take longer than a batch may. openpyxl still creates and
rebuilds the register, and syncs any workbook the fast path does not recognise exactly.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from lxml import etree  # type: ignore[import-untyped]
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import atomic
from pipeline.errors import PipelineError
from pipeline.journal.store import Journal, Snapshot
from pipeline.register import losses
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
from pipeline.register.files import (
    DamagedRegister,
    is_locked,
    keep_copy,
    lock_detail,
    read_workbook,
    replace_atomically,
    save_atomically,
    set_aside,
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
    due,
    fit_table,
    put_value,
    write_dashboard,
    write_history,
)
from pipeline.register.xml.fast import patch

__all__ = [
    "COLUMNS",
    "Column",
    "SyncResult",
    "create_empty",
    "due",
    "held",
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
            f"{path.name} is {detail}; your updates are safe in the journal and will be "
            "applied when it is closed, or run `pipeline register sync`"
        ),
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


def _held(path: Path, losses: list[str]) -> SyncResult:
    return SyncResult(
        written=False,
        reason=(
            f"{path.name} was left as it was: updating it would lose {', '.join(losses)} "
            "that someone added in Excel. Your updates are safe in the journal. To see them, run "
            "`pipeline register rebuild --to register-new.xlsx` (a fresh register in a new file; "
            f"{path.name} is not touched), then copy your own work into it and use it as "
            f"{path.name}, or remove those items from {path.name} and run `pipeline register sync`"
        ),
    )


@dataclass
class _Draft:
    """The register as the next sync would write it, in memory, with what the sync reports."""

    data: bytes | None  # None: the fast path's package, saved straight to disk
    save: Any  # Callable[[Path], None]
    added: int
    note: str
    counts: Counter[str]


def _draft(
    path: Path, snap: Snapshot, today: date, *, fast: bool, fresh: bool = False, dry: bool = False
) -> _Draft:
    """Build the next register in memory: the fast path when it can, else openpyxl.

    ``dry``: only to look, so a damaged file raises DamagedRegister instead of being set aside.
    """
    patched = patch(path, snap, today) if fast and not fresh and path.exists() else None
    if patched is not None:  # the usual case: only the changed XML is rewritten
        pkg = patched.package
        return _Draft(None, pkg.save, patched.added, "", losses.count(pkg.names(), pkg.read))
    if fresh:
        wb, note = _new_workbook(), ""
    elif dry:
        wb, note = read_workbook(path), ""
    else:
        wb, note = _load(path)  # new, damaged, or not as the fast path expects
    _, added = _write(wb, snap, path, today)
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    return _Draft(data, lambda tmp: tmp.write_bytes(data), added, note, losses.count_zip(data))


def _run(
    journal: Journal, path: Path, today: date | None, *, fresh: bool, fast: bool = True
) -> SyncResult:
    path = Path(path)
    today = today or date.today()
    with journal.sync_lock():
        detail = lock_detail(path)
        if detail:
            return _busy(path, detail)
        snap = journal.snapshot()  # generation first: later changes stay pending
        try:
            before = losses.count_zip(path.read_bytes()) if path.exists() and not fresh else None
        except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
            before = None  # damaged: _load says why and sets it aside
        try:
            draft = _draft(path, snap, today, fast=fast, fresh=fresh)
            lost = losses.lost(before, draft.counts) if before is not None else []
            if lost:  # checked before writing: the manager's file is not touched
                return _held(path, lost)
            note = draft.note
            if fresh and path.exists():
                keep = keep_copy(path, "before-rebuild")
                note = f"the previous file is kept as {keep.name}"
            replace_atomically(path, draft.save)
        except PermissionError as exc:
            return _busy(path, f"not writable ({exc.strerror or exc}) and may be open elsewhere")
        journal.mark_register_synced(snap.generation, snap.last_event_id)
    verb = "rebuilt" if fresh else "updated"
    summary = (
        f"{verb} {path.name}: {len(snap.policies)} policies ({draft.added} new), "
        f"{len(snap.events)} history entries"
    )
    return SyncResult(written=True, reason=f"{summary}; {note}" if note else summary)


def sync(
    journal: Journal, path: Path, *, today: date | None = None, fast: bool = True
) -> SyncResult:
    """Bring register.xlsx up to date with the journal, keeping managers' edits.

    Always rewrites when it can, because review states depend on ``today`` as well as on the
    journal. If the register is open in Excel, or writing it would lose something a manager
    added (:mod:`pipeline.register.losses`), nothing is written and the update stays
    pending in the journal. ``fast=False`` skips the sheet-XML fast path (to compare the two
    writers).
    """
    return _run(journal, path, today, fresh=False, fast=fast)


def rebuild(
    journal: Journal, path: Path, *, today: date | None = None, to: Path | None = None
) -> SyncResult:
    """Recreate register.xlsx from the journal alone (managers' edits are not carried over).

    The old file is kept as ``<name>.before-rebuild-<timestamp>.xlsx`` as well as ``.bak``,
    so a later sync cannot overwrite the only copy of the managers' edits. With ``to``, the
    fresh register goes to that new file instead and ``path`` is not touched (nor are the
    journal's pending updates marked done: ``path`` still lacks them).
    """
    if to is None:
        return _run(journal, path, today, fresh=True)
    to = Path(to)
    if to.exists():
        raise PipelineError(f"{to} already exists; choose a new file name for the fresh register")
    snap = journal.snapshot()
    draft = _draft(to, snap, today or date.today(), fast=False, fresh=True)
    atomic.replace_with(to, draft.save)
    return SyncResult(
        written=True,
        reason=(
            f"wrote a fresh register to {to.name}: {len(snap.policies)} policies, "
            f"{len(snap.events)} history entries; {path.name} was not touched"
        ),
    )


def held(journal: Journal, path: Path, *, today: date | None = None) -> str | None:
    """Why the next sync would leave ``path`` as it is (open, or a loss), or None; writes nothing."""
    path = Path(path)
    if not journal.register_pending() or not path.exists():
        return None
    try:
        detail = lock_detail(path)
    except OSError as exc:  # a read-only share
        return f"{path.name} cannot be written: {exc.strerror or exc}"
    if detail:
        return _busy(path, detail).reason
    try:
        before = losses.count_zip(path.read_bytes())
        draft = _draft(path, journal.snapshot(), today or date.today(), fast=True, dry=True)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError, DamagedRegister):
        return None  # damaged: the next sync sets it aside and says so
    lost = losses.lost(before, draft.counts)
    return _held(path, lost).reason if lost else None


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
