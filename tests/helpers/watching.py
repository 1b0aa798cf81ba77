"""Driving and judging the watched-folder service in tests: drop a file as a finished copy
appears, wait within generous limits (never timings), count each file's outcomes and events,
and run ``python -m pipeline watch`` as its own process (``Service``).

Shared by tests/watch/test_watcher*.py; it drives and observes, it holds no tests itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pipeline.journal.store import Journal
from pipeline.watch.status import watcher_file
from pipeline.workspace import Workspace
from tests.helpers.paths import CHECKOUT

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
