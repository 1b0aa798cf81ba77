"""Faults of the machine, made for real: a full disk, a folder refused, a journal held locked.

Each must end in one line an administrator can act on and exit status 2, never the
"unexpected" path, and leave every form safe for the next run.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.errors import Fault
from pipeline.faults import explain
from pipeline.journal.store import Journal
from pipeline.workspace import Workspace
from tests.conftest import WorkspaceFactory
from tests.helpers.mounts import read_only
from tests.helpers.needs import missing

FORMS = 6


def _pipeline(
    ws: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process: its claims are orphans once it exits."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args, "--workspace", str(ws)],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _edit_config(ws: Workspace, old: str, new: str) -> None:
    config = ws.root / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted at ``tmp_path/ws`` (needs root and mount; skips otherwise)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        missing("a tmpfs mount", mounted.stderr.strip())
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """A ballast file taking all but ``leave`` bytes of the file system's free space."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    ballast = folder / "ballast.bin"
    ballast.write_bytes(b"\0" * max(0, free - leave))
    return ballast


@pytest.mark.requires_libreoffice
def test_a_disk_filling_mid_batch_is_named_and_a_rerun_processes_every_form_once(
    tmpfs: Path, make_workspace: WorkspaceFactory, policy_form: Callable[[str], bytes]
) -> None:
    ws = make_workspace(name="ws")
    assert ws.root == tmpfs.resolve()
    titles = [f"Disk test policy {i}" for i in range(FORMS)]
    for i, title in enumerate(titles):
        (ws.inbox / f"policy-{i}.docx").write_bytes(policy_form(title))
    # LibreOffice's profile (~0.5 MB) and about three forms' outputs (~0.2 MB each) fit
    ballast = _fill(tmpfs, leave=1_100_000)

    full = _pipeline(ws.root, "run")

    lines = full.stderr.strip().splitlines()
    assert full.returncode == 2, full.stderr
    assert len(lines) == 1, full.stderr
    assert lines[0].startswith("Error: The disk holding ")
    assert "is full" in lines[0] and "forms waiting are safe" in lines[0]
    assert not list(ws.work.glob("*")), "every claim went back or is an orphan to recover"

    ballast.unlink()
    again = _pipeline(ws.root, "run", "--json")

    assert again.returncode == 0, again.stderr
    with Journal(ws.journal_path) as journal:
        accepted = [e.file for e in journal.events() if e.outcome == "accepted"]
        policies = journal.policies()
    assert sorted(accepted) == sorted(f"policy-{i}.docx" for i in range(FORMS))
    assert sorted(p["title"] for p in policies) == sorted(titles)
    assert not [p for p in ws.inbox.iterdir() if p.is_file()]
    assert len(list(ws.processed.rglob("*.docx"))) == FORMS


def test_a_fault_the_full_workspace_cannot_log_is_logged_in_the_home_folder(
    tmpfs: Path, tmp_path: Path, make_workspace: WorkspaceFactory
) -> None:
    ws = make_workspace(name="ws")
    _fill(tmpfs, leave=0)

    result = _pipeline(ws.root, "register", "rebuild", env={"HOME": str(tmp_path / "home")})

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"Error: The disk holding {ws.root}")
    logged = (tmp_path / "home" / ".cache" / "pipeline" / "faults.log").read_text("utf-8")
    assert logged.startswith(f"{ws.root}: ")
    assert "is full" in logged


@pytest.mark.requires_libreoffice
def test_libreoffice_missing_is_exit_2_and_the_form_waits(
    workspace: Workspace, policy_form: Callable[[str], bytes]
) -> None:
    _edit_config(workspace, "pdfa = false", 'pdfa = false\nsoffice = "/nonexistent"')
    (workspace.inbox / "policy.docx").write_bytes(policy_form("Missing LibreOffice policy"))

    result = _pipeline(workspace.root, "run")

    assert result.returncode == 2
    assert result.stderr.startswith("Error: LibreOffice ('/nonexistent') is not installed")
    assert len(result.stderr.strip().splitlines()) == 1
    assert (workspace.inbox / "policy.docx").is_file()
    assert not list(workspace.work.glob("*"))
    logged = (workspace.logs / "faults.log").read_text(encoding="utf-8")
    assert "LibreOffice ('/nonexistent') is not installed" in logged


@pytest.mark.requires_libreoffice
def test_libreoffice_failing_to_start_is_exit_2_and_no_form_is_rejected(
    make_workspace: WorkspaceFactory, policy_form: Callable[[str], bytes]
) -> None:
    """soffice exits 0 when it cannot load a document; a failure status is its own fault."""
    ws = make_workspace(mode="oneshot")
    _edit_config(ws, "pdfa = false", 'pdfa = false\nsoffice = "/bin/false"')
    (ws.inbox / "policy.docx").write_bytes(policy_form("LibreOffice Will Not Start Policy"))

    result = _pipeline(ws.root, "run")

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        "Error: LibreOffice (/bin/false) did not start: it stopped with status 1. Check it "
        "runs (`soffice --headless --version`) and reinstall it if not. The forms are safe in "
        "the inbox: run again once it is fixed.\n"
    )
    assert (ws.inbox / "policy.docx").is_file()
    assert not list(ws.rejected.iterdir())


def test_an_immutable_inbox_is_permission_denied_with_exit_2(
    workspace: Workspace, policy_form: Callable[[str], bytes]
) -> None:
    """Root ignores chmod, so the folder is made immutable (chattr +i): EPERM for anyone."""
    (workspace.inbox / "policy.docx").write_bytes(policy_form("Immutable inbox policy"))
    made = subprocess.run(["chattr", "+i", str(workspace.inbox)], capture_output=True, check=False)
    if made.returncode != 0:
        missing("chattr +i", made.stderr.decode().strip())
    try:
        result = _pipeline(workspace.root, "run")
    finally:
        subprocess.run(["chattr", "-i", str(workspace.inbox)], check=True)

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: Permission denied on ")
    assert str(workspace.inbox) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (workspace.inbox / "policy.docx").is_file()


def test_a_journal_another_process_holds_locked_is_exit_2_after_the_busy_timeout(
    workspace: Workspace,
) -> None:
    """The command waits the journal's busy timeout (30 s) for the lock, then says so."""
    Journal(workspace.journal_path).close()
    holder = sqlite3.connect(workspace.journal_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = _pipeline(workspace.root, "register", "sync")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(
        f"Error: The journal {workspace.journal_path} has been locked by another process"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_journal_held_locked_by_another_process_is_named(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        waiter = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiter.execute("BEGIN IMMEDIATE")
        waiter.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    fault = explain(caught.value, root=tmp_path, journal=path)

    assert fault is not None and fault.exit_code == 2
    assert fault.message.startswith(f"The journal {path} has been locked by another process")


def test_a_workspace_that_disappeared_is_a_share_gone_away(tmp_path: Path) -> None:
    root = tmp_path / "share"
    with pytest.raises(FileNotFoundError) as caught:
        (root / "inbox" / "x.docx").read_bytes()

    fault = explain(caught.value, root=root)

    assert isinstance(fault, Fault)
    assert fault.message.startswith(f"The folder {root} cannot be reached")


@pytest.mark.parametrize(
    ("code", "start"),
    [
        (errno.ENOSPC, "The disk holding /srv/ws/outbox is full"),
        (errno.EDQUOT, "The disk holding /srv/ws/outbox is full"),
        (errno.ESTALE, "The folder /srv/ws cannot be reached"),
        (errno.EIO, "The folder /srv/ws cannot be reached"),
        (errno.EACCES, "Permission denied on /srv/ws/outbox"),
        (errno.EROFS, "/srv/ws/outbox is on a read-only file system"),
    ],
)
def test_each_errno_gets_its_sentence(code: int, start: str) -> None:
    error = OSError(code, os.strerror(code), "/srv/ws/outbox")

    fault = explain(error, root=Path("/srv/ws"))

    assert fault is not None and fault.message.startswith(start)


def test_a_missing_file_inside_a_present_workspace_is_not_a_fault(tmp_path: Path) -> None:
    assert explain(FileNotFoundError(errno.ENOENT, "gone", "x"), root=tmp_path) is None
    assert explain(ValueError("a bug")) is None


@pytest.mark.requires_libreoffice
def test_a_read_only_register_folder_is_exit_2_and_the_update_waits(
    make_workspace: WorkspaceFactory, policy_form: Callable[[str], bytes]
) -> None:
    ws = make_workspace()
    (ws.root / "managers").mkdir()
    ws.register.rename(ws.root / "managers" / "register.xlsx")
    _edit_config(ws, 'register = "register.xlsx"', 'register = "managers/register.xlsx"')
    (ws.inbox / "policy.docx").write_bytes(policy_form("Read-only Register Policy"))

    with read_only(ws.root / "managers"):
        held = _pipeline(ws.root, "run")
        status = _pipeline(ws.root, "status")
    again = _pipeline(ws.root, "register", "sync")

    assert held.returncode == 2, held.stdout + held.stderr
    summary = held.stdout.strip().splitlines()[-1]
    assert summary.startswith("1 accepted, 0 rejected; 1 register update waiting: ")
    assert "managers/register.xlsx is on a read-only file system" in summary
    assert "Register: NOT UPDATED (1 update waiting): register.xlsx cannot be written" in (
        status.stdout
    )
    assert "Last fault: " in status.stdout and "read-only file system" in status.stdout
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_read_only_rejected_folder_is_exit_2_and_the_form_waits(
    workspace: Workspace,
) -> None:
    (workspace.inbox / "not-a-form.docx").write_bytes(b"this is not a Word document")

    with read_only(workspace.rejected):
        result = _pipeline(workspace.root, "run")

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"Error: {workspace.rejected}")
    assert "is on a read-only file system" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (workspace.inbox / "not-a-form.docx").is_file()
    assert not list(workspace.work.glob("*"))
