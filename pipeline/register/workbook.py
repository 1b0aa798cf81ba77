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

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]
from openpyxl import Workbook

from pipeline import atomic
from pipeline.errors import PipelineError
from pipeline.journal.store import Journal, Snapshot, Written
from pipeline.register import losses
from pipeline.register.cells import COLUMNS, ROWS, Column
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
from pipeline.register.sheets import due
from pipeline.register.writer import new_workbook, write
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


def _load(path: Path) -> tuple[Workbook, str]:
    """Open the existing register, or a fresh one if missing or damaged (with a note why)."""
    if not path.exists():
        return new_workbook(), f"created {path.name}"
    try:
        return read_workbook(path), ""
    except DamagedRegister as exc:
        aside = set_aside(path)
        note = (
            f"{path.name} could not be read ({exc}), so it was moved aside as {aside.name} and "
            "rebuilt from the journal; re-apply any notes or extra columns from that file"
        )
        return new_workbook(), note


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

    data: bytes
    parts: dict[str, bytes]  # data's parts by name, for the loss check
    before: dict[str, bytes] | None  # the file's parts as read, if the fast path read them
    added: int
    note: str
    fast: bool  # written by the fast path, so the next one may write only what changed

    def save(self, tmp: Path) -> None:
        tmp.write_bytes(self.data)


def _draft(
    path: Path,
    snap: Snapshot,
    today: date,
    *,
    fast: bool,
    fresh: bool = False,
    dry: bool = False,
    data: bytes | None = None,
    since: Written | None = None,
) -> _Draft:
    """Build the next register in memory: the fast path when it can, else openpyxl.

    ``data``: the file's bytes as read (None: no file, or not to be kept); ``since``: the
    sync that wrote exactly those bytes. ``dry``: only to look, so a damaged file raises
    DamagedRegister instead of being set aside.
    """
    patched = None
    if fast and not fresh and data is not None:
        patched = patch(path, snap, today, data=data, since=since)
    if patched is not None:  # the usual case: only the changed XML is rewritten
        pkg = patched.package
        out = pkg.to_bytes()
        return _Draft(out, pkg.parts(), pkg.original, patched.added, "", fast=True)
    if fresh:
        wb, note = new_workbook(), ""
    elif dry:
        wb, note = read_workbook(path), ""
    else:
        wb, note = _load(path)  # new, damaged, or not as the fast path expects
    _, added = write(wb, snap, path, today)
    out = _save_bytes(wb)
    return _Draft(out, losses.zip_parts(out), None, added, note, fast=False)


def _save_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


OPENPYXL = "openpyxl"  # the writer recorded for a file openpyxl wrote (see _current)


def _writer(path: Path) -> str:
    """What a recorded write must match besides its bytes: the row layout and the folder
    links are made relative to (a register moved elsewhere is written in full)."""
    return f"{ROWS}:{path.parent.resolve()}"


def _current(path: Path, snap: Snapshot) -> tuple[bytes | None, Written | None]:
    """The register's bytes (None: no file) and, if they are exactly what the last sync
    wrote, that sync's record; any other bytes (a manager's save) mean a full sync."""
    if not path.exists():
        return None, None
    data = path.read_bytes()
    written = snap.written
    if written is None or written.writer != _writer(path):
        return data, None
    return data, written if hashlib.sha256(data).hexdigest() == written.sha256 else None


def _lost(data: bytes | None, draft: _Draft) -> list[str]:
    """What writing ``draft`` over the file's bytes ``data`` would lose (nothing if no file)."""
    if data is None:
        return []
    try:
        before = draft.before if draft.before is not None else losses.zip_parts(data)
        return losses.lost_between(before, draft.parts)
    except (zipfile.BadZipFile, OSError, etree.XMLSyntaxError):
        return []  # damaged: _load has said why and set it aside


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
            data, since = _current(path, snap)
            draft = _draft(path, snap, today, fast=fast, fresh=fresh, data=data, since=since)
            lost = [] if fresh else _lost(data, draft)
            if lost:  # checked before writing: the manager's file is not touched
                return _held(path, lost)
            note = draft.note
            if fresh and path.exists():
                keep = keep_copy(path, "before-rebuild")
                note = f"the previous file is kept as {keep.name}"
            replace_atomically(path, draft.save)
        except PermissionError as exc:
            return _busy(path, f"not writable ({exc.strerror or exc}) and may be open elsewhere")
        # openpyxl's file is recorded too, so reading back what managers typed
        # (register/typed.py) can tell it is unedited; its writer never matches _writer(),
        # so the next sync is still a full one
        writer = _writer(path) if draft.fast else OPENPYXL
        digest = hashlib.sha256(draft.data).hexdigest()
        written = Written(snap.generation, digest, today, writer)
        journal.mark_register_synced(snap.generation, snap.last_event_id, written)
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
        snap = journal.snapshot()
        data, since = _current(path, snap)
        draft = _draft(
            path, snap, today or date.today(), fast=True, dry=True, data=data, since=since
        )
        lost = _lost(data, draft)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError, DamagedRegister):
        return None  # damaged: the next sync sets it aside and says so
    return _held(path, lost).reason if lost else None


def create_empty(path: Path) -> None:
    """A fresh register with headers and empty History and Dashboard sheets, for `pipeline init`."""
    path = Path(path)
    if path.exists():
        raise PipelineError(
            f"{path} already exists; use `pipeline register rebuild` to recreate it from the journal"
        )
    wb = new_workbook()
    write(wb, Snapshot(0, False, [], []), path, date.today())
    save_atomically(wb, path)
