"""Values the journal stores and hands out: its records and JSON with dates.

Separate from :mod:`pipeline.journal.store` (which re-exports these) so the SQLite store stays
about storage; nothing here touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FileOutcome:
    """What happened to a dropped file the last time its exact bytes were seen."""

    sha256: str
    name: str
    outcome: str  # "accepted" | "rejected"
    processed_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """One line of the register's History sheet."""

    when: datetime
    file: str
    form_type: str
    policy_ref: str
    who: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class Written:
    """The register file a sync last wrote: its bytes' SHA-256, the snapshot generation and
    day it showed, and ``writer`` (the register's own key for how it lays out rows).

    While the file on disk still has those bytes, the next sync need rewrite only the rows
    of policies changed since ``generation`` (and those whose review state moved with the
    day); anything else, a manager's save included, means a full sync.
    """

    generation: int
    sha256: str
    day: date
    writer: str


@dataclass(frozen=True)
class Snapshot:
    """Policies and events read in one transaction, with the generation they belong to.

    A register sync writes a snapshot and then calls ``mark_register_synced(generation)``;
    anything committed after the snapshot has a higher generation and stays pending.
    """

    generation: int
    pending: bool
    policies: list[dict[str, Any]]
    events: list[Event]
    last_event_id: int = 0  # the newest event's id, so status can count what still waits
    changed: dict[str, int] = field(default_factory=dict)  # ref -> generation of its last change
    written: Written | None = None  # the register file the last sync wrote, if known


# --- JSON with dates -------------------------------------------------------------------------
# Register values include dates that must come back as dates (so Excel gets date cells that
# sort), so they are stored with a type tag rather than as bare strings.


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in the journal")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
    return obj


def dumps(value: Any) -> str:
    """Serialise journal values; dates and datetimes are tagged so they round-trip."""
    return json.dumps(value, default=_encode, ensure_ascii=False, sort_keys=True)


def loads(text: str) -> Any:
    """Inverse of :func:`dumps`."""
    return json.loads(text, object_hook=_decode)
