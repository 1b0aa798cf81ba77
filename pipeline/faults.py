"""Faults of the machine, not of a form, told in words an administrator can act on.

A full disk, a share that went away, a folder the service account may not write, a
read-only register folder, a journal another process holds locked: each is expected on a
council's file server, each has an obvious fix, and none is a bug. :func:`explain` turns
the ``OSError`` or ``sqlite3`` error behind one into a :class:`~pipeline.errors.Fault`
(exit status 2) with one line saying what happened, where, and what to do.

It refuses to guess: an error it does not recognise stays what it was (the CLI's
"unexpected" path, with its traceback), and a missing file counts as a share gone away only
when the workspace folder itself has gone. It writes nothing; the CLI logs the line.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from pipeline.errors import ConverterUnavailable, Fault

_SAFE = "The forms waiting are safe in the inbox; run `pipeline run` again once it is fixed."

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_GONE = {errno.ESTALE, errno.EIO, errno.ENOTCONN, errno.EHOSTDOWN, errno.ENODEV}
_DENIED = {errno.EACCES, errno.EPERM}


# What happened, where, and what to do; {where} is a path, {what} the system's words.
_SAYS = {
    "disk_full": "The disk holding {where} is full (or the quota for it is used up). Free "
    "some space there, or ask IT for more.",
    "gone": "The folder {where} cannot be reached ({what}): the network share may have gone "
    "away. Check it is connected and mounted on this machine.",
    "denied": "Permission denied on {where}: the account running the pipeline may not change "
    "it. Give that account write access to the folder (or make the file writable).",
    "read_only": "{where} is on a read-only file system (the share or disk is mounted "
    "read-only). Remount it read-write, or ask IT to.",
    "locked": "The journal {where} has been locked by another process for too long. Check for "
    "a stuck `pipeline` process (`pipeline status`, or ps) and stop it, and that the state "
    "folder is not on a share that breaks file locks.",
}


def _fault(kind: str, where: Path | str, what: str = "") -> Fault:
    return Fault(f"{_SAYS[kind].format(where=where, what=what)} {_SAFE}")


def _place(filename: object, root: Path | None) -> Path | str:
    """The file the error names, or its folder when it is one of our hidden temp files."""
    if not isinstance(filename, str | Path) or not str(filename):
        return root or "the workspace"
    path = Path(filename)
    return path.parent if path.name.startswith(".") else path


def _os_fault(exc: OSError, root: Path | None) -> Fault | None:
    where = _place(exc.filename, root)
    code = exc.errno
    if code in _DISK_FULL:
        return _fault("disk_full", where)
    if code in _GONE:
        return _fault("gone", root or where, exc.strerror or "input/output error")
    if code == errno.ENOENT and root is not None and not root.exists():
        return _fault("gone", root, "the workspace folder has disappeared")
    if code == errno.EROFS:
        return _fault("read_only", where)
    if code in _DENIED:
        return _fault("denied", where)
    return None


def _sqlite_fault(exc: sqlite3.Error, journal: Path | None, root: Path | None) -> Fault | None:
    text = str(exc).lower()
    where = journal or "the journal"
    if "disk is full" in text:
        return _fault("disk_full", where)
    if "locked" in text or "busy" in text:
        return _fault("locked", where)
    if "readonly" in text or "read-only" in text:
        return _fault("read_only", where)
    if "disk i/o error" in text:
        return _fault("gone", root or where, "disk I/O error")
    if "unable to open" in text:
        if root is not None and not root.exists():
            return _fault("gone", root, "the workspace folder has disappeared")
        return _fault("denied", where)
    return None


def explain(
    exc: BaseException, *, root: Path | None = None, journal: Path | None = None
) -> Fault | None:
    """The :class:`Fault` behind ``exc`` (or its causes), or None if it is not one we know.

    ``root`` is the workspace folder and ``journal`` its SQLite file, when known: they name
    the place when the error itself does not.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        fault: Fault | None = None
        if isinstance(current, Fault):
            return current
        if isinstance(current, ConverterUnavailable):  # LibreOffice missing or not starting
            return Fault(current.message)
        if isinstance(current, OSError):
            fault = _os_fault(current, root)
        elif isinstance(current, sqlite3.Error):
            fault = _sqlite_fault(current, journal, root)
        if fault is not None:
            return fault
        current = current.__cause__ or current.__context__
    return None
