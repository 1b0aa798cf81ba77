"""Files written whole or not at all, and the processes that own half-written ones.

Every output (documents, PDFs, reports, the manifest, the register) is written to a
temporary file beside its target and renamed over it, so a reader never sees half a file.
A process killed between the two steps leaves its temporary behind, so each one is named
after its writer, ``.<name>.<host>-<pid>-<n>.tmp``, and :func:`sweep` removes those whose
writer on this host has gone: the pipeline sweeps its folders when it starts, as it
recovers claims (:mod:`pipeline.intake` uses the same owner test for those).
"""

from __future__ import annotations

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


def replace_with(target: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_for(target)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    replace_with(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes(target: Path, data: bytes) -> None:
    replace_with(target, lambda tmp: tmp.write_bytes(data))


def copy(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` (they may be on different file systems)."""
    replace_with(target, lambda tmp: shutil.copyfile(source, tmp))


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
