"""``pipeline status``: what an administrator sees, from real workspaces and a real watcher."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.run import Pipeline
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
