"""The workspace's fault log: one line per fault an administrator must fix, with its time.

``pipeline run`` (through the CLI) and the watcher both append here, so ``pipeline status``
can show the last fault however the pipeline was started, and an administrator can read
the history in ``<state>/logs/faults.log``. Only :class:`~pipeline.errors.Fault` lines and
setup errors go here, never tracebacks (those go to crash logs and ``watch.log``).

It refuses to fail: the fault being logged is often a full disk or a share gone, so when
the workspace cannot take the line it goes to ``~/.cache/pipeline/faults.log`` instead, and
if that fails too the line is only printed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.workspace import Workspace

FAULTS_LOG = "faults.log"


@dataclass(frozen=True)
class LoggedFault:
    when: datetime
    message: str


def path(ws: Workspace) -> Path:
    return ws.logs / FAULTS_LOG


def _fallback() -> Path:
    return Path.home() / ".cache" / "pipeline" / FAULTS_LOG


def record(ws: Workspace, message: str) -> Path | None:
    """Append ``message`` with the time; where it went, or None if nowhere could take it."""
    line = (
        f"{datetime.now().astimezone().isoformat(timespec='seconds')} {' '.join(message.split())}\n"
    )
    for target in (path(ws), _fallback()):
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(line if target == path(ws) else f"{ws.root}: {line}")
                handle.flush()
            return target
    return None


def last(ws: Workspace) -> LoggedFault | None:
    """The newest fault in the workspace's log, or None."""
    try:
        with open(path(ws), "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - 4096))
            tail = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    for line in reversed(tail.splitlines()):
        stamp, _, message = line.partition(" ")
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            continue
        return LoggedFault(when, message)
    return None
