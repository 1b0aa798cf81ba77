"""The watched-folder service recovering by itself: a dead observer replaced, a vanished inbox
watched again, one watcher per workspace, waiting mail sent once, a fault logged in one line.

Real watchdog observers on real folders, the real pipeline and real LibreOffice (one-shot,
so nothing stays running), and ``python -m pipeline watch`` as a subprocess where a signal
or ``kill -9`` is the point. Waits are generous "within N seconds", never timings.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from pipeline.errors import PipelineError
from pipeline.notify import send
from pipeline.watch import faultlog
from pipeline.watch import watcher as watcher_module
from pipeline.watch.status import workspace_status
from pipeline.watch.watcher import Watcher
from pipeline.workspace import Workspace
from tests.helpers.filled import with_values
from tests.helpers.mounts import read_only
from tests.helpers.smtp import SmtpServer
from tests.helpers.watching import Bad, Form, drop, outcomes, wait_for


def test_a_dead_observer_is_noticed_and_replaced(
    workspace: Workspace, start_watcher: Callable[..., Watcher], invalid_form: Bad
) -> None:
    watcher = start_watcher(workspace)
    old = watcher.observer
    assert old is not None
    old.stop()
    old.join(10)
    wait_for(
        lambda: (
            watcher.observer is not old
            and watcher.observer is not None
            and watcher.observer.is_alive()
        ),
        10,
        "a new observer",
    )
    assert watcher.observer_restarts == 1
    drop(
        workspace, "after restart.docx", invalid_form(7)
    )  # only an event can find it: scans are 60 s apart
    wait_for(lambda: outcomes(workspace) == 1, 30, "the file dropped after the restart")


def test_a_polled_inbox_that_disappears_and_returns_is_watched_again(
    make_workspace: Callable[..., Workspace],
    start_watcher: Callable[..., Watcher],
    invalid_form: Bad,
) -> None:
    ws = make_workspace(quiet=0.5)
    watcher = start_watcher(ws, poll_seconds=0.5)
    assert "polling" in watcher.mode
    away = ws.inbox.with_name("inbox-unmounted")
    ws.inbox.rename(away)  # the share drops: the polling emitter stops
    time.sleep(2)  # several polls
    away.rename(ws.inbox)  # the share is back
    drop(ws, "after the outage.docx", invalid_form(3))
    wait_for(lambda: outcomes(ws) == 1, 60, "a file dropped after the outage")
    assert watcher.observer_restarts >= 1


def test_only_one_watcher_per_workspace(
    workspace: Workspace, start_watcher: Callable[..., Watcher]
) -> None:
    start_watcher(workspace)
    second = Watcher(workspace)
    with pytest.raises(PipelineError, match="already running"):
        second.start()
    assert second.join(1)


def test_an_idle_watcher_sends_mail_that_waited_for_the_server_exactly_once(
    mail_workspace: Workspace,
    smtp_server: SmtpServer,
    start_watcher: Callable[..., Watcher],
    policy_form: Form,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the real back-off, shortened from minutes so the test does not wait for it
    monkeypatch.setattr(watcher_module, "MAIL_RETRY_SECONDS", 0.2)
    monkeypatch.setattr(send, "FIRST_RETRY", timedelta(milliseconds=200))
    smtp_server.stop()
    start_watcher(mail_workspace)
    form = with_values(
        policy_form("Watched Mail Policy"),
        {"Contact email": "officer@council.example", "Version": "banana"},
    )
    (mail_workspace.inbox / "watched.docx").write_bytes(form)
    wait_for(lambda: workspace_status(mail_workspace).mail_waiting == 1, 60, "the message waits")
    smtp_server.start()
    wait_for(lambda: workspace_status(mail_workspace).mail_waiting == 0, 60, "the message went")
    [sent] = smtp_server.to("officer@council.example")
    assert sent.subject == "Policy forms: 1 not accepted" and "watched.docx" in sent.body()
    assert len(smtp_server.received) == 1


def test_a_fault_in_a_watcher_batch_is_one_logged_line_and_the_file_goes_back(
    workspace: Workspace, start_watcher: Callable[..., Watcher], caplog: pytest.LogCaptureFixture
) -> None:
    with read_only(workspace.rejected):
        start_watcher(workspace)
        drop(workspace, "not-a-form.docx", b"this is not a Word document")
        wait_for(lambda: faultlog.last(workspace), 60, "the fault is logged")
        # the fault log is written before the watcher records its last batch: wait for both
        wait_for(lambda: _batch_error(workspace), 60, "the batch's fault is in the status")
        status = workspace_status(workspace)
    fault = faultlog.last(workspace)
    assert fault is not None and fault.message.startswith(f"{workspace.rejected} is on a read-only")
    assert status.watcher is not None and status.watcher.last_batch is not None
    assert status.watcher.last_batch["error"] == fault.message[:300]
    assert not [r for r in caplog.records if r.exc_info], "a fault is no traceback"
    wait_for(lambda: (workspace.inbox / "not-a-form.docx").exists(), 60, "the file is back")


def _batch_error(workspace: Workspace) -> str | None:
    watcher = workspace_status(workspace).watcher
    last = watcher.last_batch if watcher is not None else None
    return str(last["error"]) if last and last.get("error") else None
