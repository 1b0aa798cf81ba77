"""The durable journal: one SQLite file that is the workspace's memory.

The watcher and batch runs are separate processes that share this file, so everything that
must not be lost or done twice lives here rather than in register.xlsx (which a manager may
have open in Excel at any moment):

* which dropped files have been processed, so a file is handled exactly once;
* the policy references handed out, so two processes never issue the same one;
* one row of register values per policy, from which register.xlsx can always be rebuilt;
* the event history shown on the register's History sheet;
* a generation counter, so a register sync that raced with a new change leaves the register
  marked as out of date instead of wrongly clearing the flag, and each policy's generation,
  so a sync writes only the rows that changed (the bookkeeping: :mod:`pipeline.journal.sync`).

SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and every
write starts with ``BEGIN IMMEDIATE`` so that read-modify-write steps such as
:meth:`Journal.next_reference` are atomic across processes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from pipeline import atomic
from pipeline.errors import PipelineError
from pipeline.faults import explain
from pipeline.journal.schema import SCHEMA, SCHEMA_VERSION, upgrade
from pipeline.journal.sync import RegisterBookkeeping
from pipeline.journal.values import (
    Event,
    FileOutcome,
    Snapshot,
    Written,
    dumps,
    loads,
)
from pipeline.titles import title_key

__all__ = ["Event", "FileOutcome", "Journal", "Snapshot", "Written", "dumps", "loads"]

BUSY_TIMEOUT_MS = 30_000
OUTCOMES = ("accepted", "rejected")


def _reference_prefix(prefix: str) -> str:
    prefix = prefix.strip()
    return prefix + "-" if prefix and prefix[-1].isalnum() else prefix


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


class Journal(RegisterBookkeeping):
    """One SQLite file (WAL mode, busy_timeout, foreign keys) shared by a watcher and batch runs, in separate processes.

    A Journal object may be shared between threads of one process (calls are serialised by
    a lock); each process opens its own.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        atomic.make_dirs(self.path.parent)
        self._lock = threading.RLock()
        self._depth = 0
        self._reads = 0
        self._conn = sqlite3.connect(
            str(self.path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,
        )
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk before it returns, since the original is moved out
            # of the work folder straight after (NORMAL could lose the last commits to a
            # power cut, and with them the only record of an archived file)
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            fault = explain(exc, journal=self.path)
            if fault is not None:  # a full disk or a lock: nothing is damaged
                raise fault from exc
            raise PipelineError(
                f"The journal {self.path} cannot be opened ({exc}). If it is damaged, restore it "
                "from backup; register.xlsx and the outbox are not affected."
            ) from exc

    def _migrate(self) -> None:
        with self.transaction():
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise PipelineError(
                    f"The journal {self.path} was written by a newer version of the pipeline "
                    f"(schema {version}, this version understands {SCHEMA_VERSION}). Upgrade the "
                    "pipeline on this machine."
                )
            if version < SCHEMA_VERSION:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                upgrade(self._conn, version)
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # --- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection; WAL contents are checkpointed by SQLite on last close."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group changes so that a crash part-way leaves none of them.

        The outermost call takes SQLite's write lock at once (``BEGIN IMMEDIATE``), so reads
        inside it see data no other process can change before commit. Nested calls become
        savepoints: an exception inside one undoes only its own changes, then propagates.
        """
        with self._lock:
            if self._reads:
                raise RuntimeError("cannot write inside a read-only snapshot")
            if self._depth:
                name = f"sp{self._depth}"
                self._conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield
                except BaseException:
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self._conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent read: inside a transaction if one is open, else a deferred one."""
        with self._lock:
            if self._depth or self._reads:
                yield self._conn
                return
            self._conn.execute("BEGIN")
            self._reads = 1
            try:
                yield self._conn
            finally:
                self._reads = 0
                self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """The connection inside :meth:`transaction`, for the package's other tables (mail)."""
        with self.transaction():
            yield self._conn

    reading = _reading  # a consistent read, for the same

    def _bump(self) -> None:
        self._conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

    # --- exactly-once file processing ---------------------------------------------------------

    def file_outcome(self, sha256: str) -> FileOutcome | None:
        """How a file with these exact bytes was handled before, or None if never seen."""
        with self._lock:
            row = self._conn.execute(
                "SELECT sha256, name, outcome, processed_at, detail FROM files WHERE sha256 = ?",
                (sha256,),
            ).fetchone()
        if row is None:
            return None
        return FileOutcome(row[0], row[1], row[2], datetime.fromisoformat(row[3]), loads(row[4]))

    def record_file(self, sha256: str, name: str, outcome: str, detail: dict[str, Any]) -> None:
        """Remember a processed file (replacing any earlier outcome for the same bytes).

        Not a register change, so the register is not marked pending by this alone.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        with self.transaction():
            self._conn.execute(
                "INSERT INTO files (sha256, name, outcome, processed_at, detail) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, "
                "outcome = excluded.outcome, processed_at = excluded.processed_at, "
                "detail = excluded.detail",
                (sha256, name, outcome, _now().isoformat(), dumps(detail)),
            )

    # --- policy references --------------------------------------------------------------------

    def next_reference(self, prefix: str, digits: int) -> str:
        """Issue a new reference, one more than the highest used with that prefix.

        ``"ASC-POL"`` and ``"ASC-POL-"`` both give ``ASC-POL-001`` style references. A counter
        remembers numbers handed out but not yet used, and references already present in the
        register (e.g. imported ones) are never reissued. Atomic across processes.
        """
        full = _reference_prefix(prefix)
        with self.transaction():
            row = self._conn.execute(
                "SELECT last FROM reference_counters WHERE prefix = ?", (full,)
            ).fetchone()
            highest = row[0] if row else 0
            for (ref,) in self._conn.execute(
                "SELECT ref FROM policies WHERE substr(ref, 1, ?) = ?", (len(full), full)
            ):
                suffix = ref[len(full) :]
                if suffix.isdigit():
                    highest = max(highest, int(suffix))
            number = highest + 1
            self._conn.execute(
                "INSERT INTO reference_counters (prefix, last) VALUES (?, ?) "
                "ON CONFLICT (prefix) DO UPDATE SET last = excluded.last",
                (full, number),
            )
        return f"{full}{number:0{digits}d}"

    def reference_for(self, title: str, prefix: str, digits: int) -> str:
        """The reference of the policy titled ``title``: its own, one reserved for that title
        earlier, or a new one, reserved now in the same transaction that issues it.

        Outputs are written under the reference before the form's journal entry commits, so
        a form cut short by a crash must get the same reference when it is processed again,
        or its first outputs would be left in a folder the register never mentions. A
        reservation only bridges that gap: once its policy is registered, the register's
        title decides (a policy renamed since no longer answers to its first title).
        Titles match by :func:`pipeline.titles.title_key`.
        """
        key = title_key(title)
        with self.transaction():
            found = self.find_reference(title)
            if found:
                return found
            row = self._conn.execute(
                "SELECT ref FROM reserved_refs WHERE title_key = ? "
                "AND ref NOT IN (SELECT ref FROM policies)",
                (key,),
            ).fetchone()
            if key and row:
                return str(row[0])
            ref = self.next_reference(prefix, digits)
            if key:
                self._conn.execute(
                    "INSERT INTO reserved_refs (title_key, ref, reserved_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (title_key) DO UPDATE SET ref = excluded.ref, "
                    "reserved_at = excluded.reserved_at",
                    (key, ref, _now().isoformat()),
                )
        return ref

    def find_reference(self, title: str) -> str | None:
        """The reference of the policy with this title, by :func:`pipeline.titles.title_key`.

        If several policies share a normalised title, the most recently created (highest
        reference) wins, as that is the one officers are most likely still working on.
        """
        key = title_key(title)
        if not key:
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT ref FROM policies WHERE title_key = ? ORDER BY ref DESC LIMIT 1", (key,)
            ).fetchone()
        return None if row is None else str(row[0])

    # --- register rows ------------------------------------------------------------------------

    @staticmethod
    def _policy_dict(ref: str, body: str) -> dict[str, Any]:
        values: dict[str, Any] = loads(body)
        values["ref"] = ref
        return values

    def policy(self, ref: str) -> dict[str, Any] | None:
        """The register values for one policy (including ``"ref"``), or None."""
        with self._lock:
            row = self._conn.execute("SELECT body FROM policies WHERE ref = ?", (ref,)).fetchone()
        return None if row is None else self._policy_dict(ref, row[0])

    def policies(self) -> list[dict[str, Any]]:
        """All policies, ordered by reference."""
        with self._reading() as conn:
            rows = conn.execute("SELECT ref, body FROM policies ORDER BY ref").fetchall()
        return [self._policy_dict(ref, body) for ref, body in rows]

    def upsert_policy(self, ref: str, values: dict[str, Any]) -> None:
        """Merge ``values`` into the policy's row (creating it) and mark the register pending.

        Keys not given keep their old value; a key given as None is cleared. ``updated`` is
        set to now unless the caller supplies it, so the register shows when a row changed.
        """
        values = {k: v for k, v in values.items() if k != "ref"}
        values.setdefault("updated", _now().replace(tzinfo=None, microsecond=0))
        with self.transaction():
            row = self._conn.execute("SELECT body FROM policies WHERE ref = ?", (ref,)).fetchone()
            merged: dict[str, Any] = loads(row[0]) if row else {}
            merged.update(values)
            title = merged.get("title")
            key = title_key(title) if isinstance(title, str) else ""
            self._conn.execute(
                "INSERT INTO policies (ref, title_key, body, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (ref) DO UPDATE SET title_key = excluded.title_key, "
                "body = excluded.body, updated_at = excluded.updated_at",
                (ref, key, dumps(merged), _now().isoformat()),
            )
            self._bump()
            self._conn.execute(
                "INSERT INTO policy_generations (ref, generation) SELECT ?, value FROM meta "
                "WHERE key = 'generation' ON CONFLICT (ref) DO UPDATE SET "
                "generation = excluded.generation",
                (ref,),
            )

    # --- events -------------------------------------------------------------------------------

    def add_event(self, event: Event) -> None:
        """Append to the history (shown on the register's History sheet)."""
        sort_key = event.when.astimezone(UTC).isoformat()
        with self.transaction():
            self._conn.execute(
                "INSERT INTO events (happened, sort_key, file, form_type, policy_ref, who, "
                "outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event.when.isoformat(), sort_key, *astuple(event)[1:]),
            )
            self._bump()

    def events(self, policy_ref: str | None = None) -> list[Event]:
        """Events in the order they happened, optionally for one policy."""
        sql = "SELECT happened, file, form_type, policy_ref, who, outcome, detail FROM events"
        args: tuple[str, ...] = ()
        if policy_ref is not None:
            sql += " WHERE policy_ref = ?"
            args = (policy_ref,)
        with self._reading() as conn:
            rows = conn.execute(sql + " ORDER BY sort_key, id", args).fetchall()
        return [Event(datetime.fromisoformat(r[0]), *r[1:]) for r in rows]
