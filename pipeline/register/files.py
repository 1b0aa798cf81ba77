"""Files behind register.xlsx: Excel's locks, reading a possibly damaged file, atomic saves.

Kept apart from the sheet logic because these are the parts that touch the share: they must
never leave a half-written register, and must tell a person exactly why nothing was written.
"""

from __future__ import annotations

import errno
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from pipeline import atomic
from pipeline.register.xml.package import within_limits


class DamagedRegister(Exception):
    """register.xlsx exists but is not a readable workbook."""


@dataclass(frozen=True)
class RegisterLock:
    """Who has register.xlsx open, as far as the lock file beside it says."""

    file: str  # the lock file's name, for "delete the stale lock file ..."
    app: str  # "Excel" or "LibreOffice"
    who: str = ""
    host: str = ""
    since: datetime | None = None

    def holder(self) -> str:
        """``open in LibreOffice by Jo Bloggs on PC-042 since 29/11/2026 09:12``."""
        text = f"open in {self.app}"
        if self.who:
            text += f" by {self.who}"
        if self.host:
            text += f" on {self.host}"
        if self.since:
            text += f" since {self.since:%d/%m/%Y %H:%M}"
        return text

    def to_json(self) -> dict[str, str | None]:
        return {
            "lock_file": self.file,
            "app": self.app,
            "who": self.who,
            "host": self.host,
            "since": self.since.isoformat() if self.since else None,
        }


def _lo_fields(text: str) -> list[str]:
    """LibreOffice's lock file: comma-separated, ``;``-ended, ``\\`` escaping , ; and \\."""
    fields, current, escaped = [], "", False
    for char in text:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append(current)
            current = ""
            if char == ";":
                break
        else:
            current += char
    return fields


def _read_lock(lock: Path) -> RegisterLock:
    """LibreOffice writes ``name,system user,host,dd.mm.yyyy hh:mm,profile;``; Excel's owner
    file is a length byte then the name (cp1252), and holds no time: its mtime is used."""
    try:
        data = lock.read_bytes()[:1024]
        mtime: datetime | None = datetime.fromtimestamp(lock.stat().st_mtime)
    except OSError:
        return RegisterLock(lock.name, "Excel")
    if lock.name.startswith(".~lock."):
        fields = _lo_fields(data.decode("utf-8", "replace")) + ["", "", "", ""]
        try:
            since: datetime | None = datetime.strptime(fields[3].strip(), "%d.%m.%Y %H:%M")
        except ValueError:
            since = mtime
        who = fields[0].strip() or fields[1].strip()
        return RegisterLock(lock.name, "LibreOffice", who, fields[2].strip(), since)
    who = ""
    if data and 0 < data[0] <= 54:
        who = data[1 : 1 + data[0]].decode("cp1252", "replace").strip()
    return RegisterLock(lock.name, "Excel", who, "", mtime)


def find_lock(path: Path) -> RegisterLock | None:
    """The lock file Excel or LibreOffice keeps beside ``path`` while it is open, if any."""
    path = Path(path)
    name = path.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.insert(1, f"~${name[2:]}")
    for candidate in candidates:
        lock = path.with_name(candidate)
        if lock.exists():
            return _read_lock(lock)
    return None


def lock_detail(path: Path) -> str | None:
    """Why register.xlsx cannot be written now (for the message), or None if it can.

    ``open in LibreOffice by Jo Bloggs on PC-042 since ...; if nobody has it open, delete
    the stale lock file .~lock.register.xlsx#``, or why the file cannot be opened.
    """
    path = Path(path)
    lock = find_lock(path)
    if lock is not None:
        return f"{lock.holder()}; if nobody has it open, delete the stale lock file {lock.file}"
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as exc:
            if exc.errno == errno.EROFS:  # no one's lock: the administrator's fault to fix
                raise
            return (
                f"not writable ({exc.strerror or exc}): if someone has it "
                "open, it is written when they close it; if not, give the pipeline's account "
                "write access to it"
            )
    return None


def is_locked(path: Path) -> bool:
    """True if Excel (or LibreOffice) has the register open, or it cannot be written."""
    return lock_detail(path) is not None


def read_workbook(path: Path) -> Workbook:
    """Load the register for editing; PermissionError passes through (the file is busy)."""
    try:
        with zipfile.ZipFile(path) as package:
            within_limits(package.infolist())  # a zip bomb saved over it: damaged, not read
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
