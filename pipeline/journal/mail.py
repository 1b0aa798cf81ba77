"""The mail queue and the reminders already sent, kept in the journal.

Why: a message must outlive a mail server that is down and a process that stops, and it is
queued in the same transaction as the outcome it reports, so an outcome is never recorded
without its message nor a message without its outcome. A reminder is recorded as sent in
the transaction that queues it, so running ``pipeline remind`` hourly sends nothing twice.

It refuses to compose or send anything (``pipeline.notify`` does): it stores text, counts
attempts and remembers when to try again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.journal.store import Journal


@dataclass(frozen=True)
class Notice:
    """One form's paragraph for one person, waiting to be put into that person's message."""

    id: int
    recipient: str
    kind: str
    file: str
    body: str
    attachment: dict[str, str]  # {"name": ..., "text": ...}, or empty


@dataclass(frozen=True)
class Waiting:
    """A composed message not yet accepted by the mail server."""

    id: int
    recipient: str
    subject: str
    body: str
    attachments: list[dict[str, str]]
    attempts: int


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def add_notice(
    journal: Journal,
    recipient: str,
    kind: str,
    file: str,
    body: str,
    attachment: dict[str, str] | None = None,
) -> None:
    """Queue one paragraph for ``recipient`` (inside the caller's outcome transaction)."""
    with journal.writing() as conn:
        conn.execute(
            "INSERT INTO mail_notices (recipient, kind, file, body, attachment, created) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (recipient, kind, file, body, json.dumps(attachment or {}), _stamp(datetime.now())),
        )


def open_notices(journal: Journal) -> list[Notice]:
    """Notices not yet in a message, oldest first."""
    with journal.reading() as conn:
        rows = conn.execute(
            "SELECT id, recipient, kind, file, body, attachment FROM mail_notices "
            "WHERE message_id IS NULL ORDER BY id"
        ).fetchall()
    return [Notice(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def add_message(
    journal: Journal,
    recipient: str,
    subject: str,
    body: str,
    attachments: list[dict[str, str]],
    notices: list[int] = [],  # noqa: B006 - never mutated
) -> None:
    """Queue a whole message, taking the notices it was made from off the open list."""
    now = _stamp(datetime.now())
    with journal.writing() as conn:
        cursor = conn.execute(
            "INSERT INTO mail_messages (recipient, subject, body, attachments, created, "
            "next_attempt) VALUES (?, ?, ?, ?, ?, ?)",
            (recipient, subject, body, json.dumps(attachments), now, now),
        )
        conn.executemany(
            "UPDATE mail_notices SET message_id = ? WHERE id = ?",
            [(cursor.lastrowid, n) for n in notices],
        )


def waiting(journal: Journal, now: datetime, *, everything: bool = False) -> list[Waiting]:
    """Messages to try now: those whose back-off has passed, or all unsent ones."""
    sql = (
        "SELECT id, recipient, subject, body, attachments, attempts FROM mail_messages "
        "WHERE sent_at IS NULL"
    )
    args: tuple[Any, ...] = ()
    if not everything:
        sql += " AND next_attempt <= ?"
        args = (_stamp(now),)
    with journal.reading() as conn:
        rows = conn.execute(sql + " ORDER BY id", args).fetchall()
    return [Waiting(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]


def mark_sent(journal: Journal, message: int, when: datetime) -> None:
    with journal.writing() as conn:
        conn.execute("UPDATE mail_messages SET sent_at = ? WHERE id = ?", (_stamp(when), message))


def mark_failed(journal: Journal, message: int, error: str, retry_at: datetime) -> None:
    with journal.writing() as conn:
        conn.execute(
            "UPDATE mail_messages SET attempts = attempts + 1, last_error = ?, next_attempt = ? "
            "WHERE id = ?",
            (error[:500], _stamp(retry_at), message),
        )


def backlog(journal: Journal) -> tuple[int, str]:
    """How many messages wait, and the last error a send gave (empty if none)."""
    with journal.reading() as conn:
        count = conn.execute("SELECT count(*) FROM mail_messages WHERE sent_at IS NULL").fetchone()[
            0
        ]
        row = conn.execute(
            "SELECT last_error FROM mail_messages WHERE sent_at IS NULL AND last_error != '' "
            "ORDER BY next_attempt DESC LIMIT 1"
        ).fetchone()
    return int(count), str(row[0]) if row else ""


def reminded(journal: Journal, ref: str, stage: str, review_date: str) -> bool:
    """Whether this reminder (a policy's stage for one review date) was already queued."""
    with journal.reading() as conn:
        row = conn.execute(
            "SELECT 1 FROM reminders_sent WHERE policy_ref = ? AND stage = ? AND review_date = ?",
            (ref, stage, review_date),
        ).fetchone()
    return row is not None


def record_reminder(journal: Journal, ref: str, stage: str, review_date: str) -> None:
    with journal.writing() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO reminders_sent (policy_ref, stage, review_date, sent_at) "
            "VALUES (?, ?, ?, ?)",
            (ref, stage, review_date, _stamp(datetime.now())),
        )
