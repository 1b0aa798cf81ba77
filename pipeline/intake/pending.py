"""When is a dropped file ready? The watcher's table of files it has noticed.

Kept apart from :mod:`pipeline.watch.watcher` (threads, observers, signals) because this is the part
that decides correctness: a file copied slowly over a share, or one Word is still saving,
must never be taken half-written.

A file is ready when its size and mtime, as *this table* has observed them, have not
changed for ``quiet_seconds``, no event has touched it for as long, and it opens for
reading. Nothing relies on the file's own timestamps being recent: Windows keeps the
original mtime on copy, so a copy in progress can look years old.

The table is shared by watchdog's thread (:meth:`note`) and the watcher's supervisor
(:meth:`next_batch`, :meth:`done`); one lock guards it, and ``stat`` calls happen outside
the lock so a slow share cannot stall the event thread.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.safety.check import is_candidate

RETRY_FIRST = 30.0  # a file whose batch raised waits this long, doubling each time ...
RETRY_MAX = 600.0  # ... up to this, before it is tried again


@dataclass
class _Track:
    first_seen: float  # batches go oldest first
    changed: float  # last time the size/mtime changed or an event touched the file
    signature: tuple[int, int] | None = None  # (size, mtime_ns) last seen
    failures: int = 0  # batches containing this file that raised
    retry_at: float = 0.0


class PendingFiles:
    """Inbox files noticed and not yet handed to a batch, plus those in a batch now."""

    def __init__(self, inbox: Path, quiet_seconds: float) -> None:
        self.inbox = inbox
        self.quiet_seconds = max(0.0, quiet_seconds)
        self._tracks: dict[Path, _Track] = {}
        self._in_flight: set[Path] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._tracks) + len(self._in_flight)

    def note(self, path: Path, *, activity: bool = False, now: float | None = None) -> None:
        """Remember a new or changed inbox file. ``activity`` (an event, not a scan) restarts
        its quiet period even if size and mtime look the same (coarse mtimes on shares)."""
        if path.parent != self.inbox or not is_candidate(path.name):
            return
        now = time.monotonic() if now is None else now
        with self._lock:
            track = self._tracks.get(path)
            if track is None:
                self._tracks[path] = _Track(first_seen=now, changed=now)
            elif activity:
                track.changed = now

    def _ready(self, now: float, window: int) -> list[tuple[_Track, Path]]:
        """The ready files among the ``window`` longest-known ones (a burst of 500 files on a
        share is not stat-ed 500 times a tick; only the next batches' worth)."""
        with self._lock:
            candidates = sorted(
                (
                    (p, t)
                    for p, t in self._tracks.items()
                    if p not in self._in_flight and t.retry_at <= now
                ),
                key=lambda item: item[1].first_seen,
            )[:window]
        ready: list[tuple[_Track, Path]] = []
        for path, track in candidates:
            try:
                st: os.stat_result | None = os.lstat(path)
            except FileNotFoundError:  # claimed by another process, renamed or deleted
                st = None
            except OSError:
                continue  # a share hiccup: look again next time
            if st is None or not stat.S_ISREG(st.st_mode):  # gone, or a symlink: not ours
                with self._lock:
                    self._tracks.pop(path, None)
                continue
            signature = (st.st_size, st.st_mtime_ns)
            with self._lock:
                if track.signature != signature:
                    track.signature, track.changed = signature, now
                    continue
                if now - track.changed < self.quiet_seconds:
                    continue
            if readable(path):
                ready.append((track, path))
        return ready

    def observe(self, limit: int, now: float | None = None) -> None:
        """Look at the files without taking any (while a batch runs, so their quiet periods
        run too)."""
        self._ready(time.monotonic() if now is None else now, window=4 * limit)

    def next_batch(self, limit: int, now: float | None = None) -> list[Path]:
        """Take up to ``limit`` ready files, oldest first, and mark them in flight.

        A file whose earlier batch raised goes alone, so one bad file cannot keep failing
        the same batch of good ones.
        """
        now = time.monotonic() if now is None else now
        ready = self._ready(now, window=4 * limit)
        retried = [p for t, p in ready if t.failures]
        batch = retried[:1] or [p for _, p in ready[:limit]]
        with self._lock:
            for path in batch:
                self._in_flight.add(path)
                # keep the track of a retried file (its failure count); forget the rest
                if not self._tracks[path].failures:
                    del self._tracks[path]
        return batch

    def done(self, batch: list[Path], *, failed: bool, now: float | None = None) -> None:
        """A batch finished. After a failure each file backs off (30 s, 60 s, ... 10 min)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._in_flight.difference_update(batch)
            for path in batch:
                track = self._tracks.setdefault(path, _Track(first_seen=now, changed=now))
                if not failed:  # the name may hold a new file by now: look at it afresh
                    track.signature, track.changed, track.failures, track.retry_at = (
                        None,
                        now,
                        0,
                        0.0,
                    )
                    continue
                track.failures += 1
                track.retry_at = now + min(RETRY_FIRST * 2 ** (track.failures - 1), RETRY_MAX)


def readable(path: Path) -> bool:
    """True if the file opens for reading (on Windows a file still being copied does not)."""
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError:
        return False
    return True
