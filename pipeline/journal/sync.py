"""The journal's register bookkeeping: what is pending, what the last sync wrote, one sync
at a time.

Split from :mod:`pipeline.journal.store` (which grew past 400 lines) as a mixin of
:class:`~pipeline.journal.store.Journal`, so callers keep asking the journal itself
(``journal.register_pending()``, ``journal.snapshot()``). It only reads and writes the
journal's own tables; it refuses to know anything of register.xlsx beyond the
:class:`~pipeline.journal.values.Written` record a sync hands it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.journal.values import Event, Snapshot, Written


class RegisterBookkeeping:
    """The register-sync half of :class:`~pipeline.journal.store.Journal`."""

    path: Path
    _conn: sqlite3.Connection
    _lock: threading.RLock

    def _reading(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # the journal's

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # the journal's

    def policies(self) -> list[dict[str, Any]]:
        raise NotImplementedError  # the journal's

    def events(self, policy_ref: str | None = None) -> list[Event]:
        raise NotImplementedError  # the journal's

    def _meta(self, key: str) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def generation(self) -> int:
        """A counter bumped by every change the register shows (policies and events)."""
        with self._lock:
            return self._meta("generation")

    def register_pending(self) -> bool:
        """True if register.xlsx has not yet been written with the latest changes."""
        with self._reading():
            return self._meta("generation") > self._meta("synced_generation")

    def register_waiting(self) -> int:
        """How many history entries register.xlsx still lacks (at least 1 while it is pending)."""
        with self._reading() as conn:
            if self._meta("generation") <= self._meta("synced_generation"):
                return 0
            row = conn.execute(
                "SELECT count(*) FROM events WHERE id > ?", (self._meta("synced_event_id"),)
            ).fetchone()
            return max(1, int(row[0]))

    def mark_register_synced(
        self, generation: int, last_event_id: int = 0, written: Written | None = None
    ) -> None:
        """Record that the register now reflects everything up to ``generation``.

        Pass the generation read *before* the data that was written; a change committed
        during the sync has a higher generation and so stays pending. ``last_event_id`` is
        the snapshot's (:attr:`Snapshot.last_event_id`), for :meth:`register_waiting`.
        ``written`` is the file just written (None: not known, so the next sync is full).
        """
        with self.transaction():
            self._conn.execute("DELETE FROM register_written")
            if written is not None:
                self._conn.execute(
                    "INSERT INTO register_written (id, generation, sha256, day, writer) "
                    "VALUES (1, ?, ?, ?, ?)",
                    (written.generation, written.sha256, written.day.isoformat(), written.writer),
                )
            self._conn.execute(
                "UPDATE meta SET value = max(value, ?) WHERE key = 'synced_generation'",
                (generation,),
            )
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES ('synced_event_id', ?) ON CONFLICT (key) "
                "DO UPDATE SET value = max(value, excluded.value)",
                (last_event_id,),
            )

    def register_shown(self) -> tuple[str | None, int]:
        """What register.xlsx shows, as far as the journal knows: the SHA-256 of the file the
        last sync wrote (None: not known) and the generation that sync showed."""
        with self._reading() as conn:
            row = conn.execute("SELECT sha256 FROM register_written").fetchone()
            return (str(row[0]) if row else None), self._meta("synced_generation")

    def changed_since(self, generation: int) -> set[str]:
        """The policies changed after ``generation``: their rows in a register that shows
        that generation are older than the journal."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT ref FROM policy_generations WHERE generation > ?", (generation,)
            ).fetchall()
        return {str(r[0]) for r in rows}

    def snapshot(self) -> Snapshot:
        """Everything a register sync needs, read consistently in one transaction."""
        with self._reading():
            generation = self._meta("generation")
            pending = generation > self._meta("synced_generation")
            last = self._conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0
            changed = dict(self._conn.execute("SELECT ref, generation FROM policy_generations"))
            row = self._conn.execute(
                "SELECT generation, sha256, day, writer FROM register_written"
            ).fetchone()
            written = Written(row[0], row[1], date.fromisoformat(row[2]), row[3]) if row else None
            return Snapshot(
                generation, pending, self.policies(), self.events(), int(last), changed, written
            )

    @contextlib.contextmanager
    def sync_lock(self) -> Iterator[None]:
        """Serialise register syncs across processes (an advisory lock beside the journal).

        Without it, a slow sync holding an older snapshot could replace register.xlsx after a
        newer one. Where ``fcntl`` is unavailable (Windows), syncs are not serialised.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on the Linux host
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".sync-lock")
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
