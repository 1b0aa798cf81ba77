"""``pipeline watch``: process each form dropped in the inbox once it is completely written.

Officers drop files and walk away, often over a network share, so the service must be
trustworthy when nobody is looking:

* Events only say where to look: the watchdog handler notes paths in a pending table and
  never processes in watchdog's thread. A scan on start and every ``scan_seconds`` adds
  what an event missed (a dropped share, an overflowed inotify queue): late, never lost.
* A file is taken once its size and mtime, as seen by this watcher, have not changed for
  ``quiet_seconds`` and it opens for reading. File age is never used: a Windows copy keeps
  the original's mtime.
* One worker thread runs :meth:`Pipeline.run` on at most :data:`BATCH_LIMIT` files at a
  time (bounded memory, open files and LibreOffices) on one Pipeline kept open, so a warm
  LibreOffice is reused.
* Exactly once comes from intake's atomic claim and the journal, not from the watcher: a
  concurrent ``pipeline run`` loses the rename race and skips the file, and claims left by
  a killed process are finished by the next batch.
* The observer is checked every tick and replaced if its thread, or its emitter (what
  stops when a polled share disappears), has died.
* ``watcher.json`` carries pid, host, heartbeat and the last batch for ``pipeline status``.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import queue
import signal
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from pipeline.errors import PipelineError
from pipeline.faults import explain
from pipeline.intake import inbox
from pipeline.intake.pending import PendingFiles
from pipeline.run import Pipeline
from pipeline.watch import faultlog
from pipeline.watch.status import HEARTBEAT_SECONDS, WatcherLock, now_utc
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)

BATCH_LIMIT = 20  # files per Pipeline.run: bounds memory, open files and conversion time
TICK = 0.25  # seconds between looks at the pending files
MAIL_RETRY_SECONDS = 60.0  # an idle worker sends waiting mail this often (each keeps its back-off)
_RESTART_PAUSE_MAX = 60.0  # slowest retry of a folder watch that will not start
_NOTED = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_CLOSED, EVENT_TYPE_MOVED}


class _InboxHandler(FileSystemEventHandler):
    """Notes files created, written, closed or renamed into the inbox; nothing more."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__()
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in _NOTED:
            return
        raw = event.dest_path if event.event_type == EVENT_TYPE_MOVED else event.src_path
        self.watcher.files.note(Path(os.fsdecode(raw)), activity=True)


class Watcher:
    """Watches one workspace's inbox and feeds ready files to one :class:`Pipeline`.

    ``start()`` returns once watching has begun; ``stop()`` asks for a graceful stop (the
    batch in hand is finished; files not yet claimed simply stay in the inbox); ``join()``
    waits for it. Threads: watchdog's own, a supervisor (readiness, scans, observer health,
    heartbeat) and one worker that runs batches.
    """

    def __init__(self, ws: Workspace, poll_seconds: float | None = None) -> None:
        self.ws = ws
        self.poll_seconds = poll_seconds if poll_seconds is not None else ws.watch.poll_seconds
        self.scan_seconds = max(1.0, ws.watch.scan_seconds)
        self.inbox = ws.inbox.resolve()
        self.observer: BaseObserver | None = None
        self.observer_restarts = 0
        self.files = PendingFiles(self.inbox, ws.watch.quiet_seconds)
        self.last_batch: dict[str, Any] | None = None
        self._stopping = threading.Event()
        self._batches: queue.Queue[list[Path] | None] = queue.Queue(maxsize=1)
        self._idle = threading.Event()
        self._idle.set()
        self._started = now_utc()
        self._pipeline: Pipeline | None = None
        self._status = WatcherLock(ws)
        self._supervisor = threading.Thread(target=self._supervise, name="pipeline-watch")
        self._worker = threading.Thread(target=self._work, name="pipeline-batches")

    @property
    def mode(self) -> str:
        if self.poll_seconds and self.poll_seconds > 0:
            return f"polling the inbox every {self.poll_seconds:g} s"
        return "watching the inbox for events"

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        """Take the workspace's watcher lock, open the pipeline and begin watching."""
        self.ws.ensure_folders()
        self._status.acquire()
        try:
            self._pipeline = Pipeline(self.ws)
            self._start_observer()
        except BaseException:
            self._status.release()
            if self._pipeline is not None:
                self._pipeline.close()
            raise
        self._rescan()  # files that arrived while no watcher was running
        self._write_status()
        log.info("Watcher started on %s (%s, pid %d).", self.inbox, self.mode, os.getpid())
        self._worker.start()
        self._supervisor.start()

    def stop(self) -> None:
        """Ask for a graceful stop; returns at once. Safe to call more than once, from a signal handler."""
        self._stopping.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the stop to finish; True once every thread has ended and LibreOffice is closed."""
        if self._supervisor.ident is None:  # never started
            return True
        self._supervisor.join(timeout)
        return not self._supervisor.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _rescan(self) -> None:
        try:
            for path in inbox.waiting(self.ws):
                self.files.note(path.resolve())
        except OSError as exc:  # the share is unreachable: say so, try again next scan
            log.warning("Could not list the inbox %s: %s", self.inbox, exc)

    # -- the observer -----------------------------------------------------------------

    def _start_observer(self) -> None:
        observer: BaseObserver
        if self.poll_seconds and self.poll_seconds > 0:
            observer = PollingObserver(timeout=self.poll_seconds)
        else:
            observer = Observer()
        observer.schedule(_InboxHandler(self), str(self.inbox), recursive=False)
        observer.start()
        self.observer = observer

    def _observer_healthy(self) -> bool:
        observer = self.observer
        if observer is None or not observer.is_alive():
            return False
        emitters = observer.emitters
        return bool(emitters) and all(e.is_alive() for e in emitters)

    def _stop_observer(self) -> None:
        observer, self.observer = self.observer, None
        if observer is not None:
            with contextlib.suppress(Exception):
                observer.stop()
            with contextlib.suppress(RuntimeError):
                observer.join(10)

    def _restart_observer(self) -> bool:
        """Replace a dead observer; False (and the old one gone) if the inbox is unreachable now."""
        log.warning("The inbox watch on %s had stopped (share dropped?); restarting.", self.inbox)
        self._stop_observer()
        try:
            self._start_observer()
        except OSError as exc:
            log.warning("Could not watch %s yet: %s", self.inbox, exc)
            return False
        self.observer_restarts += 1
        self._rescan()  # anything that arrived while it was down
        return True

    # -- the supervisor thread --------------------------------------------------------

    def _supervise(self) -> None:
        next_scan = time.monotonic() + self.scan_seconds
        next_beat = 0.0
        restart_pause, next_restart = 1.0, 0.0
        # look at pending files often enough to notice quiet quickly, rarely enough to spare a share
        look_every, next_look = min(max(TICK, self.files.quiet_seconds / 8), 2.0), 0.0
        try:
            while not self._stopping.wait(TICK):
                try:
                    now = time.monotonic()
                    if not self._observer_healthy() and now >= next_restart:
                        if self._restart_observer():
                            restart_pause = 1.0
                        else:
                            restart_pause = min(restart_pause * 2, _RESTART_PAUSE_MAX)
                        next_restart = now + restart_pause
                    if now >= next_scan:
                        self._rescan()
                        next_scan = now + self.scan_seconds
                    if now >= next_beat:
                        self._write_status()
                        next_beat = now + HEARTBEAT_SECONDS
                    if now >= next_look:
                        self._dispatch()
                        next_look = now + look_every
                except Exception:  # a bug in one tick must not stop the service
                    log.exception("Unexpected error in the watcher; carrying on.")
        finally:
            self._shutdown()

    def _dispatch(self) -> None:
        """Hand the worker whatever is ready (up to BATCH_LIMIT files) if it is idle; if it is
        busy, keep observing, so files that arrive during a batch are ready when it ends."""
        if not self._idle.is_set() or self._stopping.is_set():
            self.files.observe(BATCH_LIMIT)
            return
        batch = self.files.next_batch(BATCH_LIMIT)
        if batch:
            self._idle.clear()
            self._batches.put(batch)

    def _shutdown(self) -> None:
        """Stop watching, let the worker finish its batch, close LibreOffice, remove watcher.json."""
        self._stop_observer()
        self._batches.put(None)
        self._worker.join()
        if self._pipeline is not None:
            try:
                self._pipeline.close()
            except Exception:
                log.exception("Closing the pipeline failed.")
        self._status.release()
        log.info("Watcher stopped.")

    # -- the worker thread ------------------------------------------------------------

    def _work(self) -> None:
        assert self._pipeline is not None
        self._run_batch([], "recovering files left by a stopped process")
        if self.ws.converter.mode == "warm" and not self._stopping.is_set():
            try:
                _ = self._pipeline.converter  # start LibreOffice now, not when the first file lands
            except PipelineError as exc:
                log.error("LibreOffice could not be started: %s", exc)
        while True:
            try:
                batch = self._batches.get(timeout=MAIL_RETRY_SECONDS)
            except queue.Empty:  # idle: send mail that waited for the mail server
                self._send_mail()
                continue
            if batch is None:
                return
            if self._stopping.is_set():  # not claimed yet: leave it in the inbox for next time
                self.files.done(batch, failed=False)
            else:
                self._run_batch(batch, f"{len(batch)} file(s)")
            self._idle.set()

    def _send_mail(self) -> None:
        assert self._pipeline is not None
        try:
            self._pipeline.send_mail()
        except Exception:  # the journal, not the mail server: the next batch tries again
            log.exception("Sending waiting mail failed; carrying on.")

    def _run_batch(self, paths: list[Path], what: str) -> None:
        assert self._pipeline is not None
        started = time.monotonic()
        summary: dict[str, Any] = {"files": len(paths), "accepted": 0, "rejected": 0}
        try:
            result = self._pipeline.run(paths)
        except Exception as exc:
            fault = explain(exc, root=self.ws.root, journal=self.ws.journal_path)
            if fault is None:
                log.exception(
                    "A batch (%s) failed; its files go back to the inbox and are retried later.",
                    what,
                )
            else:  # an administrator's fault, not a bug: one line, no traceback
                log.error("A batch (%s) stopped: %s", what, fault.message)
                faultlog.record(self.ws, fault.message)
            for back in inbox.hand_back_own(self.ws):
                log.warning("Handing %s back to the inbox.", back.name)
            summary["error"] = (fault.message if fault else str(exc))[:300]
        else:
            for accepted in result.accepted:
                note = f" ({accepted.note})" if accepted.note else ""
                log.info(
                    "Accepted %s: %s %s%s",
                    accepted.file,
                    accepted.policy_ref,
                    accepted.status,
                    note,
                )
            for rejected in result.rejected:
                log.info(
                    "Rejected %s: %s (report: %s)", rejected.file, rejected.reason, rejected.report
                )
            summary.update(accepted=len(result.accepted), rejected=len(result.rejected))
            summary["files"] = len(result.accepted) + len(result.rejected)
            if result.register_note and result.register_note != "register up to date":
                log.info("Register: %s", result.register_note)
            if result.fault:  # the forms are done; the register waits for the administrator
                log.error("Register not written: %s", result.fault)
                faultlog.record(self.ws, result.fault)
        finally:
            self.files.done(paths, failed="error" in summary)
        if summary["files"] or "error" in summary:
            summary["seconds"] = round(time.monotonic() - started, 1)
            summary["finished"] = datetime.now().strftime("%d/%m/%Y %H:%M:%S")
            self.last_batch = summary
            self._write_status()

    def _write_status(self) -> None:
        self._status.beat(
            started=self._started.isoformat(),
            inbox=str(self.inbox),
            mode=self.mode,
            pending=len(self.files),
            observer_restarts=self.observer_restarts,
            last_batch=self.last_batch,
        )


def setup_logging(ws: Workspace) -> list[logging.Handler]:
    """Log to stderr (journald or the console) and to a rotating file in the workspace's logs.

    The file is what an administrator reads when the service runs as a Windows task or
    under NSSM, where stderr goes nowhere; it rotates so an unattended service cannot fill
    the disk.
    """
    ws.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        ws.logs / "watch.log", maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(fmt)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(fmt)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    root.addHandler(console)
    return [handler, console]


def serve(ws: Workspace, poll_seconds: float | None = None) -> None:
    """Run a watcher in the foreground until SIGINT or SIGTERM, then stop gracefully.

    The batch in hand is finished (it is at most :data:`BATCH_LIMIT` files); a second
    signal only repeats that it is finishing. Anything killed harder is recovered on the
    next start: claims of dead processes are finished by the first batch.
    """
    handlers = setup_logging(ws)
    watcher = Watcher(ws, poll_seconds=poll_seconds)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if watcher.stopping:
            log.warning("Still finishing the batch in hand; it will stop as soon as it is done.")
        else:
            log.info(
                "Received %s: finishing the batch in hand, then stopping.",
                signal.Signals(signum).name,
            )
        watcher.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        watcher.start()
        while not watcher.join(0.5):  # short joins keep the main thread free for signals
            pass
    finally:
        watcher.stop()
        watcher.join()
        for sig, previous_handler in previous.items():
            signal.signal(sig, previous_handler)
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()
