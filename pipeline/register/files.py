"""Files behind register.xlsx: Excel's locks, reading a possibly damaged file, atomic saves.

Kept apart from the sheet logic because these are the parts that touch the share: they must
never leave a half-written register, and must tell a person exactly why nothing was written.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from pipeline import atomic


class DamagedRegister(Exception):
    """register.xlsx exists but is not a readable workbook."""


def _owner_name(lock: Path) -> str:
    """Who holds the lock, read from Excel's owner file or LibreOffice's lock file, if we can."""
    try:
        data = lock.read_bytes()[:512]
    except OSError:
        return ""
    if lock.name.startswith(".~lock."):
        return data.decode("utf-8", "replace").split(",", 1)[0].strip()
    if data and 0 < data[0] <= 54:
        return data[1 : 1 + data[0]].decode("cp1252", "replace").strip()
    return ""


def lock_detail(path: Path) -> str | None:
    """Why register.xlsx cannot be written now (for the message), or None if it can."""
    path = Path(path)
    name = path.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.insert(1, f"~${name[2:]}")
    for candidate in candidates:
        lock = path.with_name(candidate)
        if lock.exists():
            who = _owner_name(lock)
            by = f"by {who}; " if who else ""
            return f"{by}if nobody has it open, delete the stale lock file {candidate}"
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as exc:
            return f"it cannot be opened for writing: {exc.strerror or exc}"
    return None


def is_locked(path: Path) -> bool:
    """True if Excel (or LibreOffice) has the register open, or it cannot be written."""
    return lock_detail(path) is not None


def read_workbook(path: Path) -> Workbook:
    """Load the register for editing; PermissionError passes through (the file is busy)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported Excel extensions; nothing to act on
            return load_workbook(path)
    except PermissionError:
        raise
    except Exception as exc:  # any unreadable file counts as damaged
        raise DamagedRegister(type(exc).__name__) from exc


def set_aside(path: Path) -> Path:
    """Move a damaged register out of the way, keeping it for a person to look at."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    atomic.move(path, aside, replace=True)
    return aside


def keep_copy(path: Path, label: str) -> Path:
    """Copy the register to ``<stem>.<label>-<timestamp>.xlsx`` beside it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    keep = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    atomic.copy(path, keep, keep_metadata=True)
    return keep


def save_atomically(wb: Workbook, path: Path) -> None:
    """Save an openpyxl workbook over the register (see :func:`replace_atomically`)."""
    replace_atomically(path, wb.save)


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """``write`` a temp file beside the register, keep the previous file as .bak, then replace.

    A crash at any point leaves either the old register or the new one, never half a file,
    and once this returns the new one is on disk (:func:`pipeline.atomic.replace_with`).
    """
    if path.exists():
        atomic.copy(path, path.with_name(path.name + ".bak"), keep_metadata=True)
    atomic.replace_with(path, write)
