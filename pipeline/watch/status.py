"""``pipeline status``: what is waiting, in hand, done and failed, and whether a watcher runs.

An administrator asks "is it working?" from any machine that mounts the workspace, so
everything here is read from the workspace itself: the inbox and its work folder, the
journal (with the register updates it still holds), the lock file Excel or LibreOffice
keeps beside register.xlsx (who has it open, and since when), the fault log
(:mod:`pipeline.watch.faultlog`), and ``watcher.json``, the file a running watcher keeps fresh (see
:mod:`pipeline.watch.watcher`; it writes the file through :class:`WatcherLock` here, so the format
lives in one module). Reading status never writes, and never waits on a running batch for
longer than one SQLite write takes.

A watcher counts as running only if its heartbeat is recent *and*, when it runs on this
host, its pid is alive: a watcher killed with ``kill -9`` or by a power cut leaves its file
behind, and a file alone must not make anyone believe the inbox is being watched.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pipeline import atomic
from pipeline.errors import PipelineError
from pipeline.intake import inbox
from pipeline.journal import mail
from pipeline.journal.store import Event, Journal
from pipeline.register import workbook
from pipeline.register.files import RegisterLock, find_lock
from pipeline.watch import faultlog
from pipeline.watch.faultlog import LoggedFault
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)

WATCHER_FILE = "watcher.json"
HEARTBEAT_SECONDS = 5.0  # how often a watcher rewrites its file
STALE_SECONDS = 60.0  # a heartbeat older than this means the watcher has stopped or hung
_SHOW = 10  # files listed before "... and N more"
_RECENT = 5  # events listed under "last processed" and "last errors"


def watcher_file(ws: Workspace) -> Path:
    """The watcher's status/lock file, in the workspace's state folder."""
    return ws.state / WATCHER_FILE


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WatcherInfo:
    """What ``watcher.json`` says, and whether it is still true."""

    pid: int
    host: str
    started: datetime | None
    heartbeat: datetime | None
    mode: str
    last_batch: dict[str, Any] | None
    pending: int = 0
    observer_restarts: int = 0
    why_stale: str = ""  # empty while the watcher is running

    @property
    def running(self) -> bool:
        return not self.why_stale

    @classmethod
    def read(cls, path: Path, now: datetime | None = None) -> WatcherInfo | None:
        """The watcher described by ``path``, or None if there is no (readable) file."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        now = now or now_utc()
        pid = int(data.get("pid", 0) or 0)
        host = str(data.get("host", ""))
        heartbeat = _when(data.get("heartbeat"))
        why = ""
        if host == socket.gethostname() and not atomic.pid_alive(pid):
            why = f"process {pid} has stopped"
        elif heartbeat is None or (now - heartbeat).total_seconds() > STALE_SECONDS:
            why = "its heartbeat is out of date (hung, or stopped on another machine)"
        last_batch = data.get("last_batch")
        return cls(
            pid=pid,
            host=host,
            started=_when(data.get("started")),
            heartbeat=heartbeat,
            mode=str(data.get("mode", "")),
            last_batch=last_batch if isinstance(last_batch, dict) else None,
            pending=int(data.get("pending", 0) or 0),
            observer_restarts=int(data.get("observer_restarts", 0) or 0),
            why_stale=why,
        )


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class WatcherLock:
    """A watcher's hold on its workspace: an OS lock (one per host) plus ``watcher.json``.

    The OS lock dies with the process, so ``kill -9`` never blocks the next start; the
    heartbeat in ``watcher.json`` is what another machine on the share (or Windows, where
    there is no ``flock``) can check.
    """

    def __init__(self, ws: Workspace) -> None:
        self.path = watcher_file(ws)
        self._handle: IO[bytes] | None = None
        self._writing = threading.Lock()  # two threads beat; they share one temp file name

    def acquire(self) -> None:
        """Take the lock, or raise PipelineError naming the watcher already running."""
        atomic.make_dirs(self.path.parent)
        if sys.platform != "win32":
            import fcntl

            handle = open(self.path.with_suffix(".lock"), "ab")  # noqa: SIM115 - held while we run
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise PipelineError(_already_running(WatcherInfo.read(self.path))) from None
            self._handle = handle
        info = WatcherInfo.read(self.path)
        if info is not None and info.running and info.pid != os.getpid():
            self.release(remove=False)
            raise PipelineError(_already_running(info))

    def beat(self, **fields: Any) -> None:
        """Rewrite ``watcher.json`` with a fresh heartbeat (atomically: readers never see half)."""
        data = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "heartbeat": now_utc().isoformat(),
        }
        data.update(fields)
        try:
            with self._writing:
                atomic.write_text(self.path, json.dumps(data, indent=2) + "\n")
        except OSError as exc:  # a full disk or dropped share must not stop the watcher
            log.warning("Could not update %s: %s", self.path, exc)

    def release(self, *, remove: bool = True) -> None:
        """Remove ``watcher.json`` (a clean stop) and drop the OS lock."""
        if remove:
            self.path.unlink(missing_ok=True)
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()


def _already_running(info: WatcherInfo | None) -> str:
    who = f" (pid {info.pid} on {info.host})" if info else ""
    return (
        f"A watcher is already running for this workspace{who}. One is enough: stop it first "
        "(systemctl stop pipeline-watch), and see `pipeline status`."
    )


@dataclass(frozen=True)
class InProgress:
    """A file claimed into ``inbox/.processing``."""

    name: str
    owner: str  # "<host>-<pid>"
    orphaned: bool  # its process (on this host) has stopped; the next batch recovers it


@dataclass
class Status:
    """Everything ``pipeline status`` reports; ``lines()`` is the human version."""

    root: Path
    waiting: list[Path] = field(default_factory=list)
    in_progress: list[InProgress] = field(default_factory=list)
    last_processed: list[Event] = field(default_factory=list)
    last_errors: list[Event] = field(default_factory=list)
    watcher: WatcherInfo | None = None
    register_held: str | None = None  # why register.xlsx is not being updated, if it is not
    mail_waiting: int = 0  # messages the mail server has not yet accepted
    mail_error: str = ""  # the last error sending them gave
    register_waiting: int = 0  # history entries register.xlsx still lacks
    register_lock: RegisterLock | None = None  # who has it open, if anyone
    last_fault: LoggedFault | None = None  # the newest line of <state>/logs/faults.log

    @property
    def watcher_running(self) -> bool:
        return self.watcher is not None and self.watcher.running

    def lines(self) -> list[str]:
        out = [f"Workspace: {self.root}", _watcher_line(self.watcher)]
        out.append(f"Waiting in the inbox: {len(self.waiting)}")
        out += _listed([p.name for p in self.waiting])
        out.append(f"In progress: {len(self.in_progress)}")
        out += _listed(
            [
                f"{c.name} (taken by {c.owner}"
                + (
                    ", which has stopped: the next run or watcher start finishes it)"
                    if c.orphaned
                    else ")"
                )
                for c in self.in_progress
            ]
        )
        out.append("Last processed:" if self.last_processed else "Last processed: nothing yet")
        out += [f"  {_event_line(e)}" for e in self.last_processed]
        out.append("Last errors:" if self.last_errors else "Last errors: none")
        out += [f"  {_event_line(e)}" for e in self.last_errors]
        out.append(_register_line(self))
        if self.last_fault is not None:
            out.append(f"Last fault: {_local(self.last_fault.when)}  {self.last_fault.message}")
        else:
            out.append("Last fault: none")
        if self.mail_waiting:
            out.append(
                f"Mail: {self.mail_waiting} message(s) waiting to be sent"
                + (f"; last error: {self.mail_error}" if self.mail_error else "")
            )
        return out

    def to_json(self) -> dict[str, Any]:
        """The same, for scripts and monitoring (``pipeline status --json``)."""
        watcher = self.watcher
        return {
            "workspace": str(self.root),
            "watcher": None
            if watcher is None
            else {
                "running": watcher.running,
                "pid": watcher.pid,
                "host": watcher.host,
                "started": watcher.started.isoformat() if watcher.started else None,
                "heartbeat": watcher.heartbeat.isoformat() if watcher.heartbeat else None,
                "why_stopped": watcher.why_stale or None,
                "last_batch": watcher.last_batch,
            },
            "waiting": [{"file": p.name, "since": _mtime(p)} for p in self.waiting],
            "in_progress": [
                {"file": c.name, "owner": c.owner, "orphaned": c.orphaned} for c in self.in_progress
            ],
            "register": {
                "updates_waiting": self.register_waiting,
                "held": self.register_held,
                "lock": self.register_lock.to_json() if self.register_lock else None,
            },
            "last_processed": [_event_json(e) for e in self.last_processed],
            "last_errors": [_event_json(e) for e in self.last_errors],
            "last_fault": None
            if self.last_fault is None
            else {"when": self.last_fault.when.isoformat(), "message": self.last_fault.message},
        }


def _register_line(status: Status) -> str:
    waiting = status.register_waiting
    if not waiting:
        return "Register: up to date"
    updates = f"{waiting} update{'s' if waiting != 1 else ''} waiting"
    if status.register_held:
        return f"Register: NOT UPDATED ({updates}): {status.register_held}"
    return f"Register: {updates} for the next run or `pipeline register sync`"


def _mtime(path: Path) -> str | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
    except OSError:
        return None


def _event_json(event: Event) -> dict[str, str]:
    return {
        "when": event.when.isoformat(),
        "outcome": event.outcome,
        "file": event.file,
        "policy_ref": event.policy_ref,
        "detail": event.detail,
    }


def _listed(names: list[str]) -> list[str]:
    shown = [f"  {n}" for n in names[:_SHOW]]
    if len(names) > _SHOW:
        shown.append(f"  ... and {len(names) - _SHOW} more")
    return shown


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def _event_line(event: Event) -> str:
    what = f"{_local(event.when)}  {event.outcome:<8}  {event.file}"
    if event.policy_ref:
        what += f"  {event.policy_ref}"
    if event.outcome == "rejected" and event.detail:
        what += f": {event.detail[:160]}"
    return what


def _watcher_line(info: WatcherInfo | None) -> str:
    if info is None:
        return "Watcher: not running (start it with `pipeline watch`, or see docs/service.md)"
    since = _local(info.started) if info.started else "an unknown time"
    who = f"pid {info.pid} on {info.host}"
    if not info.running:
        return (
            f"Watcher: NOT RUNNING: {who}, started {since}, is recorded but {info.why_stale}. "
            "Files are not being processed; restart the service."
        )
    line = f"Watcher: running ({who}, since {since}, {info.mode})"
    if info.observer_restarts:
        line += f"; the folder watch was restarted {info.observer_restarts} times"
    batch = info.last_batch
    if batch:
        line += (
            f"; last batch {batch.get('finished', '?')}: {batch.get('files', 0)} files, "
            f"{batch.get('accepted', 0)} accepted, {batch.get('rejected', 0)} rejected"
        )
        if batch.get("error"):
            line += f", FAILED: {batch['error']}"
    return line


def _in_progress(ws: Workspace) -> list[InProgress]:
    try:
        claims = inbox.claimed(ws)
    except OSError:
        return []
    return [InProgress(c.name, owner, atomic.is_orphaned(owner)) for owner, c in claims]


def workspace_status(ws: Workspace) -> Status:
    """Read the workspace's state without changing it (the journal is opened only if it exists)."""
    status = Status(root=ws.root, waiting=inbox.waiting(ws), in_progress=_in_progress(ws))
    if ws.journal_path.exists():
        with Journal(ws.journal_path) as journal:
            events = journal.events()
            status.register_held = workbook.held(journal, ws.register)
            status.mail_waiting, status.mail_error = mail.backlog(journal)
            status.register_waiting = journal.register_waiting()
        status.last_processed = events[-_RECENT:][::-1]
        status.last_errors = [e for e in events if e.outcome == "rejected"][-_RECENT:][::-1]
    status.watcher = WatcherInfo.read(watcher_file(ws))
    status.register_lock = find_lock(ws.register)
    status.last_fault = faultlog.last(ws)
    return status
