"""The watched-folder service, tested as an administrator would trust it.

Real watchdog observers on real folders, the real pipeline and real LibreOffice (one-shot,
so nothing stays running), and ``python -m pipeline watch`` as a subprocess where a signal
or ``kill -9`` is the point. Waits are generous "within N seconds", never timings.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.errors import PipelineError
from pipeline.intake import inbox
from pipeline.intake.pending import PendingFiles
from pipeline.journal.store import Journal
from pipeline.notify import send
from pipeline.watch import faultlog
from pipeline.watch import watcher as watcher_module
from pipeline.watch.status import watcher_file, workspace_status
from pipeline.watch.watcher import Watcher
from pipeline.workspace import Workspace, init_workspace, load_workspace
from tests.helpers.filled import with_values
from tests.helpers.mounts import read_only
from tests.helpers.paths import CHECKOUT
from tests.helpers.smtp import SmtpServer

Form = Callable[[str], bytes]
Bad = Callable[[int], bytes]
# what Office, LibreOffice and the OS leave beside real files: never a form, never rejected
LITTER = ("~$x.docx", ".~lock.x.docx#", "x.tmp", "noextension", "Thumbs.db", "desktop.ini", ".hidden.docx")  # fmt: skip


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def drop(ws: Workspace, name: str, data: bytes) -> Path:
    """Drop a file complete in one step, as a finished copy appears (write aside, rename in)."""
    aside = ws.inbox / f".{name}.part"  # a hidden name: ignored by the pipeline
    aside.write_bytes(data)
    target = ws.inbox / name
    os.replace(aside, target)
    return target


def events_by_file(ws: Workspace) -> Counter[str]:
    if not ws.journal_path.exists():
        return Counter()
    with Journal(ws.journal_path) as journal:
        return Counter(e.file for e in journal.events())


def originals(ws: Workspace) -> list[Path]:
    """Dropped files that have been moved on: archived (accepted) or rejected."""
    reports = (" - problems.txt", " - already processed.txt")
    found = [p for p in ws.processed.rglob("*") if p.is_file()]
    found += [p for p in ws.rejected.iterdir() if p.is_file()]
    return [p for p in found if not p.name.endswith(reports)]


def outcomes(ws: Workspace) -> int:
    return len(originals(ws))


def claimed(ws: Workspace) -> list[Path]:
    return [p for p in ws.work.iterdir() if not p.name.startswith(".")] if ws.work.exists() else []


def soffice_pids(ws: Workspace) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-f", str(ws.state / "libreoffice")], capture_output=True, text=True
    )
    return [int(pid) for pid in out.stdout.split()]


def assert_exactly_once(ws: Workspace, names: set[str]) -> None:
    """Every dropped file has one outcome and one history event, and nothing is left over."""
    counts = events_by_file(ws)
    assert set(counts) == names
    assert [n for n, c in counts.items() if c != 1] == []
    assert sorted(p.name for p in originals(ws)) == sorted(names)
    assert claimed(ws) == []
    assert [p.name for p in ws.inbox.iterdir() if p.is_file()] == []


class Service:
    """``python -m pipeline watch`` in its own process, as systemd would run it."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.log = ws.root / "service.stderr"
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pipeline", "watch", "-w", str(ws.root)],
                cwd=CHECKOUT,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        wait_for(lambda: watcher_file(ws).exists() or self.proc.poll() is not None, 60, "start")
        assert self.proc.poll() is None, self.log.read_text()

    def stop(self, sig: int, timeout: float = 120) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout)


# --- the quiet period, without threads ------------------------------------------------------


def test_a_file_is_ready_only_after_its_quiet_period_whatever_its_age(tmp_path: Path) -> None:
    files = PendingFiles(tmp_path, quiet_seconds=2)
    path = tmp_path / "copy.docx"
    path.write_bytes(b"first part")
    os.utime(path, (978307200, 978307200))  # 2001: a Windows copy keeps the old mtime
    files.note(path, now=100.0)
    assert files.next_batch(20, now=100.0) == []  # first look: size and mtime recorded
    assert files.next_batch(20, now=101.9) == []  # not quiet for 2 s yet
    with path.open("ab") as fh:
        fh.write(b", second part")
    assert files.next_batch(20, now=103.0) == []  # it changed: the quiet period restarts
    assert files.next_batch(20, now=104.5) == []
    files.note(path, activity=True, now=104.6)  # an event: something touched it
    assert files.next_batch(20, now=105.5) == []
    assert files.next_batch(20, now=106.7) == [path]
    assert len(files) == 1  # in flight until done()
    files.done([path], failed=False, now=107.0)
    path.unlink()
    assert files.next_batch(20, now=200.0) == [] and len(files) == 0


def test_files_are_observed_while_a_batch_runs_and_taken_in_bounded_batches(tmp_path: Path) -> None:
    files = PendingFiles(tmp_path, quiet_seconds=2)
    paths = [tmp_path / f"{i:02}.docx" for i in range(30)]
    for i, path in enumerate(paths):
        path.write_bytes(b"x")
        files.note(path, now=i / 100)
    files.observe(5, now=1.0)  # the worker is busy: look (at the 20 oldest), take nothing
    assert len(files) == 30
    # quiet since 1.0: ready the moment the worker is free, oldest first, 5 at a time
    assert [files.next_batch(5, now=3.1 + i / 10) for i in range(4)] == [
        paths[i : i + 5] for i in range(0, 20, 5)
    ]
    assert files.next_batch(5, now=3.5) == []  # the newest were first looked at from 3.2 on
    assert files.next_batch(5, now=5.2) == paths[20:25]
    assert files.next_batch(5, now=5.6) == paths[25:30]


def test_lock_and_temp_names_are_never_noted(tmp_path: Path) -> None:
    files = PendingFiles(tmp_path, quiet_seconds=0)
    for name in LITTER:
        (tmp_path / name).write_bytes(b"x")
        files.note(tmp_path / name)
    files.note(tmp_path / "sub" / "elsewhere.docx")  # not directly in the inbox
    assert len(files) == 0


def test_a_file_whose_batch_failed_backs_off_and_then_goes_alone(tmp_path: Path) -> None:
    files = PendingFiles(tmp_path, quiet_seconds=0)
    paths = [tmp_path / f"{i}.docx" for i in range(3)]
    for path in paths:
        path.write_bytes(path.name.encode())
        files.note(path, now=0.0)
    files.next_batch(20, now=0.0)
    assert sorted(files.next_batch(20, now=0.1)) == sorted(paths)
    files.done(paths, failed=True, now=1.0)
    assert files.next_batch(20, now=10.0) == []  # backing off for 30 s
    assert files.next_batch(20, now=31.1) == []  # then looked at afresh ...
    assert len(files.next_batch(20, now=31.2)) == 1  # ... and tried one at a time
    assert len(files.next_batch(20, now=31.3)) == 1


def test_a_failed_batch_hands_back_only_this_process_s_claims(workspace: Workspace) -> None:
    """Claims of a dead process stay for orphan recovery; another host's are never touched."""
    host = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    workspace.work.mkdir(parents=True, exist_ok=True)
    left = [f"{host}-{dead.pid}__dead.docx", f"elsewhere-{os.getpid()}__other.docx", ".hidden"]
    mine = f"{host}-{os.getpid()}__mine.docx"
    for name in [mine, *left]:
        (workspace.work / name).write_bytes(name.encode())
    inbox.hand_back_own(workspace)
    assert (workspace.inbox / "mine.docx").read_bytes() == mine.encode()
    assert sorted(p.name for p in workspace.work.iterdir()) == sorted(left)


# --- the service -------------------------------------------------------------------------------


def test_a_slowly_written_file_is_processed_once_and_only_when_complete(
    workspace: Workspace, start_watcher: Callable[..., Watcher], policy_form: Form
) -> None:
    start_watcher(workspace)
    data = policy_form("Slow Copy Policy")
    path = workspace.inbox / "slow copy.docx"
    chunks = [data[i : i + len(data) // 10 + 1] for i in range(0, len(data), len(data) // 10 + 1)]
    written = 0
    for chunk in chunks:  # about 5 s, reopening each time as a copy over a share would
        with path.open("ab") as fh:
            fh.write(chunk)
        written += len(chunk)
        assert path.stat().st_size == written, "the file was taken while it was being written"
        time.sleep(0.5)
    wait_for(lambda: outcomes(workspace) == 1, 90, "the slow file was processed")
    assert_exactly_once(workspace, {"slow copy.docx"})
    archived = next(workspace.processed.rglob("slow copy.docx"))
    assert archived.read_bytes() == data


def test_fifty_files_dropped_at_once_each_get_one_outcome(
    workspace: Workspace,
    start_watcher: Callable[..., Watcher],
    policy_form: Form,
    invalid_form: Bad,
) -> None:
    start_watcher(workspace)
    names = set()
    for i in range(50):
        name = f"form {i:02}.docx"
        drop(workspace, name, policy_form(f"Burst Policy {i}") if i % 10 == 0 else invalid_form(i))
        names.add(name)
    wait_for(lambda: outcomes(workspace) == 50, 180, "all 50 files have an outcome")
    assert_exactly_once(workspace, names)
    with Journal(workspace.journal_path) as journal:
        assert len(journal.policies()) == 5
    assert len(list(workspace.processed.rglob("*.docx"))) == 5
    assert len([p for p in workspace.rejected.iterdir() if p.suffix == ".docx"]) == 45


@pytest.fixture(scope="module")
def after_kill_9(
    tmp_path_factory: pytest.TempPathFactory, policy_form: Form
) -> tuple[Workspace, set[str]]:
    """A service killed with SIGKILL once the first outcome appears, then started again."""
    ws = init_workspace(tmp_path_factory.mktemp("kill") / "ws")
    config = ws.root / "pipeline.toml"
    config.write_text(config.read_text().replace('mode = "warm"', 'mode = "oneshot"'))
    ws = load_workspace(ws.root)
    forms = {f"policy {i}.docx": policy_form(f"Crash Test Policy {i}") for i in range(8)}
    service = Service(ws)
    for name, data in forms.items():
        drop(ws, name, data)
    deadline = time.monotonic() + 120
    while not any(ws.processed.rglob("*.docx")):  # the first outcome: kill at once
        assert time.monotonic() < deadline, "no outcome within 120 s"
        time.sleep(0.01)
    service.proc.kill()  # SIGKILL: no clean-up at all
    service.proc.wait(10)
    assert claimed(ws), "the kill was meant to land mid-batch"
    # the killed service's LibreOffice finishes what it was doing and exits by itself
    wait_for(lambda: not soffice_pids(ws), 60, "the orphaned LibreOffice to exit")
    service = Service(ws)  # recovers the claims the dead process left
    wait_for(lambda: outcomes(ws) == len(forms), 120, "every form has an outcome")
    assert service.stop(signal.SIGTERM) == 0
    return ws, set(forms)


def test_kill_9_mid_batch_then_restart_processes_every_form_exactly_once(
    after_kill_9: tuple[Workspace, set[str]],
) -> None:
    workspace, names = after_kill_9
    assert_exactly_once(workspace, names)
    assert len(register_refs(workspace)) == len(set(register_refs(workspace))) == len(names)
    leftovers = [
        p for p in workspace.root.rglob("*") if p.name.endswith((".tmp", ".part", ".copying"))
    ]
    assert leftovers == []
    pdfs = list(workspace.outbox.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) > 0, pdf


def test_kill_9_leaves_no_outputs_for_references_the_register_lacks(
    after_kill_9: tuple[Workspace, set[str]],
) -> None:
    workspace, _ = after_kill_9
    folders = {p.name for p in workspace.outbox.iterdir() if p.is_dir() and p.name != "publish"}
    assert folders <= set(register_refs(workspace))


def register_refs(ws: Workspace) -> list[str]:
    sheet = openpyxl.load_workbook(ws.register, read_only=True)["Register"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if "Reference" in r)
    column = rows[header].index("Reference")
    return [str(r[column]) for r in rows[header + 1 :] if any(r)]


def test_a_watcher_and_pipeline_run_at_once_never_process_a_file_twice(
    make_workspace: Callable[..., Workspace],
    start_watcher: Callable[..., Watcher],
    policy_form: Form,
    invalid_form: Bad,
) -> None:
    ws = make_workspace(quiet=0.2)
    start_watcher(ws)
    names = set()
    runs = []
    for i in range(30):
        name = f"race {i:02}.docx"
        drop(ws, name, policy_form(f"Race Policy {i}") if i % 10 == 0 else invalid_form(i))
        names.add(name)
        if i % 10 == 5:  # batch runs racing the watcher for the same files
            cmd = [sys.executable, "-m", "pipeline", "run", "--json", "-w", str(ws.root)]
            runs.append(
                subprocess.Popen(cmd, cwd=CHECKOUT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            )
    by_runs: list[str] = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode in (0, 1), err.decode()
        result = json.loads(out)
        by_runs += [f["file"] for f in result["accepted"] + result["rejected"]]
    wait_for(lambda: outcomes(ws) == 30, 120, "all 30 files have an outcome")
    assert_exactly_once(ws, names)
    assert len(by_runs) == len(set(by_runs))
    print(f"pipeline run took {len(by_runs)} of the 30 files, the watcher the rest")


def test_lock_temp_and_hidden_files_are_left_alone(
    make_workspace: Callable[..., Workspace],
    start_watcher: Callable[..., Watcher],
    invalid_form: Bad,
) -> None:
    ws = make_workspace(quiet=0.2, scan=1)
    for name in LITTER:
        (ws.inbox / name).write_bytes(f"junk {name}".encode())
    before = {name: (ws.inbox / name).stat() for name in LITTER}
    start_watcher(ws)
    drop(ws, "real.docx", invalid_form(1))
    wait_for(lambda: outcomes(ws) == 1, 60, "the real file was handled")
    time.sleep(2.5)  # two more full scans of the inbox
    for name in LITTER:
        after = (ws.inbox / name).stat()
        assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
            before[name].st_ino,
            before[name].st_size,
            before[name].st_mtime_ns,
        ), name
    assert set(events_by_file(ws)) == {"real.docx"}


def test_sigterm_stops_promptly_finishing_the_batch_and_leaving_no_libreoffice(
    make_workspace: Callable[..., Workspace], policy_form: Form
) -> None:
    ws = make_workspace(mode="warm", quiet=0.3)
    service = Service(ws)
    wait_for(lambda: soffice_pids(ws), 90, "the warm LibreOffice to start")
    drop(ws, "in hand.docx", policy_form("Signal Policy"))
    wait_for(lambda: claimed(ws) or outcomes(ws), 60, "the file to be taken")
    assert service.stop(signal.SIGTERM, timeout=90) == 0, service.log.read_text()
    assert outcomes(ws) == 1, "the batch in hand was finished before stopping"
    assert_exactly_once(ws, {"in hand.docx"})
    assert soffice_pids(ws) == []
    assert not watcher_file(ws).exists()
    assert "Watcher stopped." in (ws.logs / "watch.log").read_text(encoding="utf-8")


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
