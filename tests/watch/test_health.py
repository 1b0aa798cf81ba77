"""``pipeline status --check``: exact lines and exit codes a monitor acts on."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.journal.store import Event, Journal
from pipeline.register.workbook import sync
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


def test_a_fault_before_the_last_processed_form_is_past(workspace: Workspace) -> None:
    _watcher_running(workspace)
    faultlog.record(workspace, "The disk holding /srv/policy is full.")
    with Journal(workspace.journal_path) as journal:
        journal.add_event(
            Event(
                datetime.now(UTC) + timedelta(seconds=1), "a.docx", "policy", "", "", "accepted", ""
            )
        )
    _synced(workspace)
    result = _check(workspace)
    assert result.exit_code == 0, result.output
    assert result.output == "OK: the watcher is running and nothing is stuck\n"


def test_register_updates_held_by_an_old_lock_are_a_problem(workspace: Workspace) -> None:
    _watcher_running(workspace)
    with Journal(workspace.journal_path) as journal:
        journal.add_event(Event(datetime.now(UTC), "a.docx", "policy", "", "", "accepted", ""))
    workspace.register.with_name(".~lock.register.xlsx#").write_text(
        f",jsmith,PC-042,{datetime.now() - timedelta(hours=2):%d.%m.%Y %H:%M},file:///x;",
        encoding="utf-8",
    )
    result = _check(workspace)
    assert result.exit_code == 1
    assert result.output.startswith(
        "PROBLEM: 1 register update(s) have waited more than 30 minutes: register.xlsx is "
        "open in LibreOffice by jsmith on PC-042 since "
    )


def _synced(ws: Workspace) -> None:
    """Bring register.xlsx up to date, as a run does."""
    with Journal(ws.journal_path) as journal:
        assert sync(journal, ws.register).written
