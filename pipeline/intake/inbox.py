"""Taking files from the inbox safely: never half-written, never twice, never lost.

A file is claimed by renaming it into the work folder (``inbox/.processing``), which is
on the same filesystem, so the rename is atomic: when a watcher and a batch run (or two
hosts on one share) race for a file, exactly one rename succeeds. The claimed name records
who claimed it, so files left behind by a crash are recovered on the next start. Files
leave the work folder only by another rename, into ``processed/<date>/`` or ``rejected/``.
Nothing is ever deleted, and names never collide: a suffix is added instead. Every rename
is made durable (:func:`pipeline.atomic.move` fsyncs both folders), so a power cut cannot
bring back a file that was archived or lose one that was claimed.

A rejection is journalled before the original moves (:func:`write_report`, then the
journal, then :func:`move_rejected`), so a crash in between leaves a claim whose bytes the
journal already holds as rejected, with the claim's name (:attr:`Claim.claimed_as`); the
next start finds it among the orphans and only moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline import atomic
from pipeline.atomic import is_orphaned
from pipeline.paths import fit_name, safe_path
from pipeline.safety.check import is_candidate
from pipeline.workspace import Workspace

_SEP = "__"


@dataclass(frozen=True)
class Claim:
    """A file this process owns until it is archived or rejected."""

    path: Path  # where it is now, in the work folder
    name: str  # the name the officer gave it
    was: str = ""  # the work-folder name of a dead process's claim this one recovered

    @property
    def claimed_as(self) -> str:
        """The work-folder name this file was claimed under (before any recovery)."""
        return self.was or self.path.name

    def sha256(self) -> str:
        return file_sha256(self.path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def _claim_path(workspace: Workspace, name: str) -> Path:
    """``work/<host>-<pid>__<name>``; a long name is shortened to fit, keeping its ending.

    An officer's file name may be as long as the file system allows, and the claim adds
    its owner in front: without shortening, a legal 250-byte name would stop the batch.
    The officer's own name is kept on the :class:`Claim`; only a claim recovered after a
    crash is archived under the shortened one.
    """
    suffix = Path(name).suffix
    return safe_path(
        workspace.work, fit_name(f"{atomic.owner()}{_SEP}{name[: len(name) - len(suffix)]}", suffix)
    )


def claim(path: Path, workspace: Workspace) -> Claim | None:
    """Take ``path`` from the inbox by one atomic rename; ``None`` if someone else took it."""
    target = _claim_path(workspace, path.name)
    try:
        atomic.move(path, target)
    except FileNotFoundError:
        return None
    return Claim(path=target, name=path.name)


def claim_copy(path: Path, workspace: Workspace) -> Claim:
    """Take a file given on the command line from outside the inbox: a copy is processed,
    the original is never moved or changed."""
    target = _claim_path(workspace, path.name)
    atomic.copy(path, target, keep_metadata=True)
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


def own_claims(workspace: Workspace) -> list[Claim]:
    """The claims this process holds."""
    return [held for owner, held in claimed(workspace) if owner == atomic.owner()]


def sweep_temporaries(workspace: Workspace) -> list[Path]:
    """Remove half-written files left by a pipeline on this host that was killed mid-write."""
    removed: list[Path] = []
    for folder in (workspace.outbox, workspace.state, workspace.work, workspace.rejected):
        removed += atomic.sweep(folder)
    removed += atomic.sweep(workspace.register.parent, recursive=False)
    return removed


def orphans(workspace: Workspace) -> list[Claim]:
    """Claims left in the work folder by a process on this host that is no longer running."""
    found: list[Claim] = []
    for owner, held in claimed(workspace):
        if not is_orphaned(owner):
            continue
        mine = _claim_path(workspace, held.name)
        try:  # re-claim atomically: two recovering processes can't both win
            atomic.move(held.path, mine)
        except FileNotFoundError:
            continue
        found.append(Claim(path=mine, name=held.name, was=held.claimed_as))
    return found


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2).docx``, ``name (3).docx``... if that is taken."""
    candidate = safe_path(folder, name)
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = safe_path(folder, fit_name(stem, f" ({n}){suffix}"))
        n += 1
    return candidate


def archive(claim: Claim, workspace: Workspace, today: date | None = None) -> Path:
    """Move an accepted original into ``processed/<date>/``."""
    folder = workspace.processed / (today or date.today()).isoformat()
    atomic.make_dirs(folder)
    target = unique_path(folder, claim.name)
    atomic.move(claim.path, target)
    return target


def report_for(target: Path) -> Path:
    """Where the report on a rejected original at ``target`` goes: beside it."""
    return safe_path(target.parent, fit_name(target.name, " - problems.txt"))


def write_report(claim: Claim, workspace: Workspace, report: str) -> tuple[Path, Path]:
    """Choose where a rejected original goes in ``rejected/`` and write its report there.

    Returns (where the original will go, the report). The original is moved later, by
    :func:`move_rejected`, once the journal holds the rejection.
    """
    target = unique_path(workspace.rejected, claim.name)
    report_path = report_for(target)
    atomic.write_text(report_path, report)
    return target, report_path


def move_rejected(claim: Claim, workspace: Workspace, target: Path) -> Path:
    """Move a rejected original, unchanged, to ``target`` in ``rejected/`` (or beside it,
    if something took that name meanwhile); where it went."""
    if target.exists():
        target = unique_path(workspace.rejected, claim.name)
    atomic.move(claim.path, target)
    return target


def hand_back(claim: Claim, workspace: Workspace) -> Path:
    """Return a claimed file to the inbox untouched (on a graceful stop mid-file)."""
    target = unique_path(workspace.inbox, claim.name)
    atomic.move(claim.path, target)
    return target


def hand_back_own(workspace: Workspace) -> list[Path]:
    """Return every file this process claimed to the inbox, so a failed batch loses nothing.

    Orphan recovery only takes claims of *dead* processes, so without this a file could sit
    in the work folder for as long as this process lives (a watcher, a test). A claim that
    cannot be moved (the share has gone) stays where it is, for orphan recovery.
    """
    try:
        claims = own_claims(workspace)
    except OSError:
        return []
    returned: list[Path] = []
    for claim in claims:
        with contextlib.suppress(OSError):
            returned.append(hand_back(claim, workspace))
    return returned
