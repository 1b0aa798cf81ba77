"""The watched-folder service's quiet period and batches, without threads: a file is taken
only once it has been quiet, in bounded batches, with back-off after a failed batch.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from pipeline.intake import inbox
from pipeline.intake.pending import PendingFiles
from pipeline.workspace import Workspace
from tests.helpers.watching import LITTER

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
