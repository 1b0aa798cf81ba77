"""The watched-folder service, tested as an administrator would trust it: slow writes, fifty
files at once, a watcher beside `pipeline run`, litter left alone.

Real watchdog observers on real folders, the real pipeline and real LibreOffice (one-shot,
so nothing stays running), and ``python -m pipeline watch`` as a subprocess where a signal
or ``kill -9`` is the point. Waits are generous "within N seconds", never timings.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

from pipeline.journal.store import Journal
from pipeline.watch.watcher import Watcher
from pipeline.workspace import Workspace
from tests.helpers.paths import CHECKOUT
from tests.helpers.watching import (
    LITTER,
    Bad,
    Form,
    assert_exactly_once,
    drop,
    events_by_file,
    outcomes,
    wait_for,
)

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
