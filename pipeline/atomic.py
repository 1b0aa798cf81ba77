"""Files written whole or not at all, durably, and the processes that own half-written ones.

Every output (documents, PDFs, reports, the manifest, the register) is written to a
temporary file beside its target and renamed over it, so a reader never sees half a file.
The journal records an output only after it is written, so "written" must survive a power
cut: a rename is only a change to the folder, and without ``fsync`` the kernel may put the
new name on disk before the data it points to, leaving the journal pointing at an empty
PDF. So :func:`replace_with` fsyncs the temporary's data before the rename and the folder
after it, and new folders are fsynced into their parents (:func:`make_dirs`); moves of the
officers' originals (:func:`move`) fsync both folders. On Windows a folder cannot be opened
to fsync it (``os.O_DIRECTORY`` does not exist), so there only the data is synced.

What it refuses to do: write a target in place (a crash would leave half of it), rename
across file systems (the temporary is always beside its target, so the rename is atomic),
and pretend: a failed fsync of the data fails the write and the old file stays. Only a
folder fsync the file system does not support (``EINVAL``, as some network shares answer)
is passed over, since nothing better can be done there.

A process killed between the two steps leaves its temporary behind, so each one is named
after its writer, ``.<name>.<host>-<pid>-<n>.tmp``, and :func:`sweep` removes those whose
writer on this host has gone: the pipeline sweeps its folders when it starts, as it
recovers claims (:mod:`pipeline.intake.inbox` uses the same owner test for those).
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

_TEMP = re.compile(r"^\..+\.(?P<owner>[^.]+-\d+)-\d+\.tmp$")
_numbers = itertools.count()


def owner() -> str:
    """This process, as named on its claims and temporary files: ``<host>-<pid>``."""
    return f"{socket.gethostname()}-{os.getpid()}"


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists on this machine.

    On Windows ``os.kill(pid, 0)`` would *terminate* the process, so there we say "alive"
    and rely on the heartbeat alone.
    """
    if os.name == "nt":  # pragma: no cover - Linux host
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def is_orphaned(name: str) -> bool:
    """True if ``name`` (``<host>-<pid>``) was a process on this host that is no longer running."""
    host, _, pid = name.rpartition("-")
    return host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid))


def temp_for(target: Path) -> Path:
    """A temporary path beside ``target``, unique to this process and call."""
    return target.with_name(f".{target.name}.{owner()}-{next(_numbers)}.tmp")


def sync_file(path: Path) -> None:
    """Flush ``path``'s data (and size) to disk.

    Read-only on POSIX (enough for fsync); Windows flushes only a handle open for writing.
    """
    mode = os.O_RDWR | getattr(os, "O_BINARY", 0) if os.name == "nt" else os.O_RDONLY
    fd = os.open(path, mode)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries to disk, so names renamed or made in it survive a power cut.

    Not possible on Windows (no ``os.O_DIRECTORY``), and passed over where the file system
    answers that it cannot (``EINVAL``); any other failure is raised.
    """
    directory = getattr(os, "O_DIRECTORY", None)
    if directory is None or os.name == "nt":  # pragma: no cover - Linux host
        return
    fd = os.open(folder, os.O_RDONLY | directory)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def sync(path: Path) -> None:
    """Make an existing file durable where it is: its data, then its folder's entry."""
    sync_file(path)
    sync_dir(path.parent)


def make_dirs(folder: Path) -> None:
    """``folder.mkdir(parents=True, exist_ok=True)``, with each folder it makes fsynced into
    its parent, so a file later written there cannot lose its folder to a power cut."""
    missing: list[Path] = []
    at = folder
    while not at.is_dir():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for made in reversed(missing):
        try:
            made.mkdir()
        except FileExistsError:  # made meanwhile by another process: its maker syncs it
            if not made.is_dir():
                raise
            continue
        sync_dir(made.parent)


def replace_with(target: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file beside ``target``, then rename it over ``target``, durably:
    the temporary's data is fsynced before the rename and the folder after it."""
    make_dirs(target.parent)
    tmp = temp_for(target)
    try:
        write(tmp)
        sync_file(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    sync_dir(target.parent)


def write_text(target: Path, text: str) -> None:
    replace_with(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes(target: Path, data: bytes) -> None:
    replace_with(target, lambda tmp: tmp.write_bytes(data))


def copy(source: Path, target: Path, *, keep_metadata: bool = False) -> None:
    """Copy ``source`` over ``target`` (they may be on different file systems); with
    ``keep_metadata`` also its times and permissions (as ``shutil.copy2``)."""
    copier = shutil.copy2 if keep_metadata else shutil.copyfile
    replace_with(target, lambda tmp: copier(source, tmp))


def move(source: Path, target: Path, *, replace: bool = False) -> None:
    """Rename ``source`` to ``target`` on the same file system, durably: both folders are
    fsynced after the rename (the target's first, where the file now is).

    ``os.rename`` by default (on Linux it replaces an existing target; callers choose free
    names); ``replace`` uses ``os.replace``, which replaces on Windows too.
    """
    make_dirs(target.parent)
    (os.replace if replace else os.rename)(source, target)
    sync_dir(target.parent)
    if source.parent != target.parent:
        sync_dir(source.parent)


def sweep(folder: Path, *, recursive: bool = True) -> list[Path]:
    """Remove the temporary files under ``folder`` left by writers that are gone."""
    removed: list[Path] = []
    found = folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp")
    try:
        for path in found:
            match = _TEMP.match(path.name)
            if match and is_orphaned(match["owner"]) and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    except FileNotFoundError:  # the folder itself is not there (yet)
        pass
    return removed
