"""Durable writes, and rejections a crash cannot separate from their journal event.

Nothing of the pipeline is replaced: ``os.fsync``, ``os.replace`` and ``os.rename`` (the
standard library) are wrapped to *record* what was synced and renamed, in order, while
still doing it, and the crash is a real ``SIGKILL`` of a real pipeline process.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline import atomic
from pipeline.journal.store import Journal
from pipeline.run import Pipeline, run_batch
from pipeline.workspace import Workspace
from tests.helpers.needs import missing
from tests.helpers.paths import CHECKOUT


@pytest.fixture(autouse=True)
def _needs_proc() -> None:
    """These tests name each synced file by its descriptor in /proc (Linux)."""
    if not Path("/proc/self/fd").is_dir():
        missing("/proc/self/fd", "these tests run on Linux, as CI does")


Log = list[tuple[str, Path]]


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Log]:
    """Every fsync (by the path of its descriptor) and rename, in the order they happened."""
    events: Log = []
    fsync, replace, rename = os.fsync, os.replace, os.rename

    def synced(fd: int) -> None:
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        fsync(fd)

    def renamer(kind: str, real: Callable[..., None]) -> Callable[..., None]:
        def wrapped(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
            real(src, dst)
            events.append((kind, Path(dst)))

        return wrapped

    monkeypatch.setattr(os, "fsync", synced)
    monkeypatch.setattr(os, "replace", renamer("replace", replace))
    monkeypatch.setattr(os, "rename", renamer("rename", rename))
    yield events


def test_a_write_syncs_the_data_before_the_rename_and_the_folder_after(
    tmp_path: Path, log: Log
) -> None:
    target = tmp_path / "outbox" / "ASC-POL-001" / "policy.pdf"
    atomic.write_bytes(target, b"%PDF-1.7 whole")
    assert target.read_bytes() == b"%PDF-1.7 whole"
    kinds = [kind for kind, _ in log]
    at = kinds.index("replace")
    synced_before = [p for kind, p in log[:at] if kind == "fsync"]
    temporary = synced_before[-1]
    assert temporary.parent == target.parent and temporary.name.startswith(".policy.pdf.")
    assert log[at] == ("replace", target)
    assert log[at + 1 :] == [("fsync", target.parent)]
    # each folder made on the way was synced into its parent before the file was written
    assert synced_before[:-1] == [tmp_path, tmp_path / "outbox"]


def test_a_failed_fsync_fails_the_write_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "register.xlsx"
    target.write_bytes(b"old")

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="Input/output"):
        atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_claiming_and_rejecting_sync_both_folders_after_each_rename(
    workspace: Workspace, invalid_form: Callable[[int], bytes], log: Log
) -> None:
    (workspace.inbox / "form.docx").write_bytes(invalid_form(1))
    (rejected,) = run_batch(workspace).rejected
    assert rejected.moved_to is not None and rejected.report is not None
    claimed = next(i for i, (kind, p) in enumerate(log) if p.parent == workspace.work)
    assert log[claimed][0] == "rename"
    assert log[claimed + 1 : claimed + 3] == [("fsync", workspace.work), ("fsync", workspace.inbox)]
    moved = log.index(("rename", rejected.moved_to))
    assert log[moved + 1 : moved + 3] == [("fsync", workspace.rejected), ("fsync", workspace.work)]
    assert log.index(("replace", rejected.report)) < moved  # the report is on disk first


def test_every_output_is_on_disk_before_its_original_is_archived(
    workspace: Workspace, policy_form: Callable[[str], bytes], log: Log
) -> None:
    (workspace.inbox / "policy.docx").write_bytes(policy_form("Durable Writes Policy"))
    result = run_batch(workspace)
    (accepted,) = result.accepted
    synced = [p for kind, p in log if kind == "fsync"]
    archived = next(i for i, (kind, p) in enumerate(log) if p.parent.parent == workspace.processed)
    before = {p for kind, p in log[:archived] if kind == "fsync"}
    assert accepted.outputs and {p.suffix for p in accepted.outputs} == {".docx", ".pdf"}
    for output in accepted.outputs:
        # the file was synced under its temporary name, renamed, and its folder synced
        renamed = log.index(("replace", output))
        assert log[renamed - 1][1].name.startswith(f".{output.name}."), output
        assert output.parent in before, output
        assert renamed < archived
    published = [p for p in workspace.publish_dir.iterdir() if p.suffix == ".pdf"]
    for copy in [*published, workspace.publish_dir / "manifest.csv", workspace.register]:
        assert ("replace", copy) in log and copy.parent in synced, copy


def _crash_before_moving_rejected(ws: Workspace) -> subprocess.CompletedProcess[str]:
    """Run a real pipeline that is SIGKILLed as it renames a claim into rejected/."""
    # a script for a child process: its imports belong inside it
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from pipeline.run import run_batch
        from pipeline.workspace import load_workspace

        rejected, rename = Path({str(ws.rejected)!r}), os.rename

        def rename_or_die(src, dst):
            if Path(dst).parent == rejected:
                os.kill(os.getpid(), signal.SIGKILL)
            rename(src, dst)

        os.rename = rename_or_die
        run_batch(load_workspace(Path({str(ws.root)!r})))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )


def test_kill_9_between_journal_and_move_then_restart_moves_the_rejected_file(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    data = invalid_form(7)
    (workspace.inbox / "broken.docx").write_bytes(data)

    crashed = _crash_before_moving_rejected(workspace)

    assert crashed.returncode == -9, crashed.stderr
    (left,) = list(workspace.work.iterdir())  # the claim, still in the work folder
    with Journal(workspace.journal_path) as journal:
        assert [e.outcome for e in journal.events()] == ["rejected"]  # journalled first
    (report,) = list(workspace.rejected.iterdir())
    assert report.name == "broken.docx - problems.txt"

    with Pipeline(workspace) as pipeline:
        result = pipeline.run()
        events = pipeline.journal.events()

    (rejected,) = result.rejected
    assert rejected.moved_to == workspace.rejected / "broken.docx"
    assert rejected.moved_to.read_bytes() == data
    assert rejected.report == report and report.read_text(encoding="utf-8")
    assert [(e.file, e.outcome) for e in events] == [("broken.docx", "rejected")]  # not twice
    assert not list(workspace.work.iterdir())


def test_the_same_bytes_dropped_again_after_a_rejection_are_checked_again(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    for _ in range(2):
        (workspace.inbox / "broken.docx").write_bytes(invalid_form(3))
        assert len(run_batch(workspace).rejected) == 1
    with Journal(workspace.journal_path) as journal:
        assert [e.outcome for e in journal.events()] == ["rejected", "rejected"]
    assert sorted(p.name for p in workspace.rejected.iterdir()) == [
        "broken (2).docx",
        "broken (2).docx - problems.txt",
        "broken.docx",
        "broken.docx - problems.txt",
    ]
