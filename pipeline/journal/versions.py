"""Each accepted version's record, kept in the journal so the next version is compared with it.

Comparisons read what the officer wrote (the neutral record, as JSON from
:mod:`pipeline.compare.stored`), never an earlier DOCX or PDF. Beside the journal's store,
as the mail queue is, so the store keeps to files, policies, events and the register.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.journal.store import Journal


def save_version(journal: Journal, ref: str, version: str, record: str) -> None:
    """Keep ``record`` (JSON) as ``ref``'s ``version``; a version accepted again replaces
    its record but keeps its place in :func:`versions_of`."""
    with journal.writing() as conn:
        conn.execute(
            "INSERT INTO versions (ref, version, accepted_at, record) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (ref, version) DO UPDATE SET record = excluded.record",
            (ref, version, datetime.now(UTC).astimezone().isoformat(), record),
        )


def versions_of(journal: Journal, ref: str) -> list[tuple[str, str]]:
    """``ref``'s versions as (version, record JSON), in the order first accepted."""
    with journal.reading() as conn:
        rows = conn.execute(
            "SELECT version, record FROM versions WHERE ref = ? ORDER BY accepted_at, rowid",
            (ref,),
        ).fetchall()
    return [(str(v), str(r)) for v, r in rows]
