"""``pipeline status --check``: exact lines and exit codes a monitor acts on."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.watch import faultlog
from pipeline.watch.status import WatcherLock
from pipeline.workspace import Workspace


def _check(ws: Workspace) -> Result:
    return CliRunner().invoke(cli, ["status", "--check", "--workspace", str(ws.root)])


def _watcher_running(ws: Workspace, **fields: object) -> None:
    """watcher.json as a running watcher writes it (this process is its pid, so it is alive)."""
    WatcherLock(ws).beat(started=datetime.now(UTC).isoformat(), mode="events", **fields)


def test_no_watcher_is_a_problem(workspace: Workspace) -> None:
    result = _check(workspace)
    assert result.exit_code == 1
    assert result.output == (
        "PROBLEM: the watcher is not running (start it: systemctl start pipeline-watch)\n"
    )


def test_a_running_watcher_with_nothing_stuck_is_ok(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    _watcher_running(workspace)
    (workspace.inbox / "just-dropped.docx").write_bytes(invalid_form(1))
    result = _check(workspace)
    assert result.exit_code == 0
    assert result.output == "OK: the watcher is running and nothing is stuck\n"


def test_a_form_waiting_longer_than_alert_minutes_is_a_problem(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    _watcher_running(workspace)
    stuck = workspace.inbox / "stuck.docx"
    stuck.write_bytes(invalid_form(1))
    old = (datetime.now() - timedelta(minutes=31)).timestamp()
    os.utime(stuck, (old, old))
    result = _check(workspace)
    assert result.exit_code == 1
    assert result.output == (
        "PROBLEM: stuck.docx has waited in the inbox for more than 30 minutes\n"
    )


def test_a_fault_since_the_last_processed_form_is_a_problem(workspace: Workspace) -> None:
    _watcher_running(workspace)
    faultlog.record(workspace, "The disk holding /srv/policy is full.")
    result = _check(workspace)
    assert result.exit_code == 1
    assert result.output == (
        "PROBLEM: the last run stopped on a fault: The disk holding /srv/policy is full.\n"
    )


def test_a_failed_watcher_batch_is_a_problem(workspace: Workspace) -> None:
    _watcher_running(workspace, last_batch={"files": 2, "error": "The journal is locked."})
    result = _check(workspace)
    assert result.exit_code == 1
    assert result.output == "PROBLEM: the last batch failed: The journal is locked.\n"
