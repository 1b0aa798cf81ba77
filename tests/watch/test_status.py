"""``pipeline status``: what an administrator sees, from real workspaces and a real watcher."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.run import Pipeline
from pipeline.watch import faultlog
from pipeline.watch.status import watcher_file, workspace_status
from pipeline.watch.watcher import Watcher
from pipeline.workspace import Workspace


def dead_pid() -> int:
    """The pid of a process that has certainly exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_waiting_files_are_shown_and_no_watcher_is_reported(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    for name in ("b.docx", "a.xlsx", "~$a.docx", "Thumbs.db"):
        (workspace.inbox / name).write_bytes(invalid_form(1))
    status = workspace_status(workspace)
    assert sorted(p.name for p in status.waiting) == ["a.xlsx", "b.docx"]
    assert not status.watcher_running
    lines = status.lines()
    assert "Waiting in the inbox: 2" in lines
    assert "  a.xlsx" in lines and "  b.docx" in lines
    assert any(line.startswith("Watcher: not running") for line in lines)
    assert "Last processed: nothing yet" in lines
    assert not workspace.journal_path.exists(), "status must not create the journal"


def test_a_running_watcher_is_shown_and_disappears_when_it_stops(
    make_workspace: Callable[..., Workspace],
    start_watcher: Callable[..., Watcher],
    invalid_form: Callable[[int], bytes],
) -> None:
    ws = make_workspace(quiet=600)  # files stay waiting while we look
    (ws.inbox / "waiting.docx").write_bytes(invalid_form(1))
    watcher = start_watcher(ws)
    status = workspace_status(ws)
    assert status.watcher_running
    assert status.watcher is not None and status.watcher.pid == os.getpid()
    assert [p.name for p in status.waiting] == ["waiting.docx"]
    watcher_line = status.lines()[1]
    assert watcher_line.startswith("Watcher: running (pid")
    assert "watching the inbox for events" in watcher_line
    watcher.stop()
    assert watcher.join(60)
    assert not watcher_file(ws).exists()
    assert not workspace_status(ws).watcher_running


def test_a_watcher_that_died_is_reported_as_not_running(workspace: Workspace) -> None:
    now = datetime.now(UTC)
    info = {
        "pid": dead_pid(),
        "host": socket.gethostname(),
        "started": now.isoformat(),
        "heartbeat": now.isoformat(),
    }
    watcher_file(workspace).write_text(json.dumps(info), encoding="utf-8")
    status = workspace_status(workspace)
    assert not status.watcher_running
    assert status.lines()[1].startswith("Watcher: NOT RUNNING")
    assert "has stopped" in status.lines()[1]


def test_a_watcher_on_another_machine_is_judged_by_its_heartbeat(workspace: Workspace) -> None:
    now = datetime.now(UTC)
    info = {
        "pid": 1,
        "host": "another-host",
        "started": now.isoformat(),
        "heartbeat": now.isoformat(),
    }
    watcher_file(workspace).write_text(json.dumps(info), encoding="utf-8")
    assert workspace_status(workspace).watcher_running
    info["heartbeat"] = (now - timedelta(minutes=5)).isoformat()
    watcher_file(workspace).write_text(json.dumps(info), encoding="utf-8")
    status = workspace_status(workspace)
    assert not status.watcher_running
    assert "heartbeat is out of date" in status.lines()[1]


def test_claims_history_and_errors_are_shown(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    (workspace.inbox / "broken.docx").write_bytes(invalid_form(1))
    with Pipeline(workspace) as pipeline:
        pipeline.run()
    left = workspace.work / f"{socket.gethostname()}-{dead_pid()}__left behind.docx"
    left.write_bytes(invalid_form(2))
    status = workspace_status(workspace)
    assert [(c.name, c.orphaned) for c in status.in_progress] == [("left behind.docx", True)]
    assert [e.file for e in status.last_processed] == ["broken.docx"]
    assert [e.file for e in status.last_errors] == ["broken.docx"]
    lines = status.lines()
    assert "In progress: 1" in lines
    assert any("left behind.docx" in line and "has stopped" in line for line in lines)
    errors = lines[lines.index("Last errors:") + 1]
    assert "rejected" in errors and "broken.docx" in errors


def test_pipeline_status_command(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    (workspace.inbox / "form.docx").write_bytes(invalid_form(1))
    result = CliRunner().invoke(cli, ["status", "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "Waiting in the inbox: 1" in result.output
    assert "form.docx" in result.output


# --- register updates waiting, and who holds the register ---------------------------------


def _calc_holding(path: Path, profile: Path) -> subprocess.Popen[bytes]:
    """A real headless LibreOffice with ``path`` open, once its lock file is there."""
    proc = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    lock = path.with_name(f".~lock.{path.name}#")
    for _ in range(600):  # waits for LibreOffice, asserts nothing about how long it took
        if lock.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    if not lock.exists():
        _stop(proc)
        raise AssertionError("LibreOffice did not open the register")
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.requires_libreoffice
def test_register_open_in_calc_names_who_and_how_many_updates_wait(
    workspace: Workspace, tmp_path: Path, policy_form: Callable[[str], bytes]
) -> None:
    calc = _calc_holding(workspace.register, tmp_path / "calc-profile")
    try:
        for i in (1, 2):
            (workspace.inbox / f"held-{i}.docx").write_bytes(policy_form(f"Held Policy {i}"))
        runner = CliRunner()
        run = runner.invoke(cli, ["run", "--workspace", str(workspace.root)])
        status = runner.invoke(cli, ["status", "--workspace", str(workspace.root)])
        as_json = runner.invoke(cli, ["status", "--json", "--workspace", str(workspace.root)])
    finally:
        _stop(calc)

    holder = f"open in LibreOffice by {getpass.getuser()} on {socket.gethostname()} since "
    summary = run.output.strip().splitlines()[-1]
    assert run.exit_code == 0, run.output
    assert summary.startswith(
        "2 accepted, 0 rejected; 2 register updates waiting: register.xlsx is"
    )
    assert holder in summary
    register_line = [line for line in status.output.splitlines() if line.startswith("Register:")]
    assert register_line[0].startswith(
        "Register: NOT UPDATED (2 updates waiting): register.xlsx is"
    )
    assert holder in register_line[0]
    register = json.loads(as_json.output)["register"]
    assert register["updates_waiting"] == 2
    assert register["lock"]["app"] == "LibreOffice"
    assert register["lock"]["who"] == getpass.getuser()
    assert register["lock"]["lock_file"] == ".~lock.register.xlsx#"


def test_a_lock_file_as_libreoffice_writes_it_with_the_users_name(workspace: Workspace) -> None:
    lock = workspace.register.with_name(".~lock.register.xlsx#")
    lock.write_text(
        "Smith\\, Jo,jsmith,PC-042,29.11.2026 09:12,file:///C:/Users/jsmith/AppData/LibreOffice/4;",
        encoding="utf-8",
    )
    found = workspace_status(workspace).register_lock
    assert found is not None
    assert found.holder() == "open in LibreOffice by Smith, Jo on PC-042 since 29/11/2026 09:12"


def test_excels_owner_file_names_the_owner_and_its_time(workspace: Workspace) -> None:
    owner = workspace.register.with_name("~$register.xlsx")
    owner.write_bytes(bytes([9]) + b"Jo Bloggs".ljust(54) + b"\x00" * 110)
    when = datetime(2026, 11, 29, 8, 30)
    os.utime(owner, (when.timestamp(), when.timestamp()))
    found = workspace_status(workspace).register_lock
    assert found is not None
    assert found.holder() == "open in Excel by Jo Bloggs since 29/11/2026 08:30"


def test_status_json_lists_waiting_and_the_last_fault(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    (workspace.inbox / "a.docx").write_bytes(invalid_form(1))
    faultlog.record(workspace, "The disk holding /srv is full.")
    result = CliRunner().invoke(cli, ["status", "--json", "--workspace", str(workspace.root)])
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert [w["file"] for w in data["waiting"]] == ["a.docx"]
    assert data["register"] == {"updates_waiting": 0, "held": None, "lock": None}
    assert data["last_fault"]["message"] == "The disk holding /srv is full."
    lines = CliRunner().invoke(cli, ["status", "-w", str(workspace.root)]).output.splitlines()
    assert "Register: up to date" in lines
    assert lines[-1].endswith("  The disk holding /srv is full.")
    assert lines[-1].startswith("Last fault: ")
