"""Taking files from the inbox safely: never half-written, never twice, never lost.

A file is claimed by renaming it into the work folder (``inbox/.processing``), which is
on the same filesystem, so the rename is atomic: when a watcher and a batch run (or two
hosts on one share) race for a file, exactly one rename succeeds. The claimed name records
who claimed it, so files left behind by a crash are recovered on the next start. Files
leave the work folder only by another rename, into ``processed/<date>/`` or ``rejected/``.
Nothing is ever deleted, and names never collide: a suffix is added instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.safety import is_candidate
from pipeline.workspace import Workspace

_SEP = "__"


@dataclass(frozen=True)
class Claim:
    """A file this process owns until it is archived or rejected."""

    path: Path  # where it is now, in the work folder
    name: str  # the name the officer gave it

    def sha256(self) -> str:
        return file_sha256(self.path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _owner() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def waiting(workspace: Workspace) -> list[Path]:
    """Forms waiting in the inbox, oldest first; lock, temp and hidden files are left alone."""
    try:
        entries = list(os.scandir(workspace.inbox))
    except FileNotFoundError:
        return []
    files = [
        Path(e.path) for e in entries if e.is_file(follow_symlinks=False) and is_candidate(e.name)
    ]
    return sorted(files, key=lambda p: (_mtime(p), p.name))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def claim(path: Path, workspace: Workspace) -> Claim | None:
    """Take ``path`` from the inbox by one atomic rename; ``None`` if someone else took it."""
    workspace.work.mkdir(parents=True, exist_ok=True)
    target = workspace.work / f"{_owner()}{_SEP}{path.name}"
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None
    return Claim(path=target, name=path.name)


def claim_copy(path: Path, workspace: Workspace) -> Claim:
    """Take a file given on the command line from outside the inbox: a copy is processed,
    the original is never moved or changed."""
    workspace.work.mkdir(parents=True, exist_ok=True)
    target = workspace.work / f"{_owner()}{_SEP}{path.name}"
    tmp = target.with_name("." + target.name + ".copying")
    shutil.copy2(path, tmp)
    os.replace(tmp, target)
    return Claim(path=target, name=path.name)


def claimed(workspace: Workspace) -> list[tuple[str, Claim]]:
    """Every claim in the work folder, by name, with its owner (``"<host>-<pid>"``)."""
    try:
        entries = sorted(os.scandir(workspace.work), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found: list[tuple[str, Claim]] = []
    for entry in entries:
        owner, sep, name = entry.name.partition(_SEP)
        if sep and not entry.name.startswith(".") and entry.is_file():
            found.append((owner, Claim(path=Path(entry.path), name=name)))
    return found


def is_orphaned(owner: str) -> bool:
    """True if a claim's owner was a process on this host that is no longer running."""
    host, _, pid = owner.rpartition("-")
    return host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid))


def own_claims(workspace: Workspace) -> list[Claim]:
    """The claims this process holds."""
    return [held for owner, held in claimed(workspace) if owner == _owner()]


def orphans(workspace: Workspace) -> list[Claim]:
    """Claims left in the work folder by a process on this host that is no longer running."""
    found: list[Claim] = []
    for owner, held in claimed(workspace):
        if not is_orphaned(owner):
            continue
        mine = workspace.work / f"{_owner()}{_SEP}{held.name}"
        try:  # re-claim atomically: two recovering processes can't both win
            os.rename(held.path, mine)
        except FileNotFoundError:
            continue
        found.append(Claim(path=mine, name=held.name))
    return found


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


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2).docx``, ``name (3).docx``... if that is taken."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def archive(claim: Claim, workspace: Workspace, today: date | None = None) -> Path:
    """Move an accepted original into ``processed/<date>/``."""
    folder = workspace.processed / (today or date.today()).isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = unique_path(folder, claim.name)
    os.rename(claim.path, target)
    return target


def reject(claim: Claim, workspace: Workspace, report: str) -> tuple[Path, Path]:
    """Move a rejected original, unchanged, into ``rejected/`` with its report beside it."""
    workspace.rejected.mkdir(parents=True, exist_ok=True)
    target = unique_path(workspace.rejected, claim.name)
    report_path = target.with_name(target.name + " - problems.txt")
    write_text_atomic(report_path, report)
    os.rename(claim.path, target)
    return target, report_path


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def hand_back(claim: Claim, workspace: Workspace) -> Path:
    """Return a claimed file to the inbox untouched (on a graceful stop mid-file)."""
    target = unique_path(workspace.inbox, claim.name)
    os.rename(claim.path, target)
    return target
