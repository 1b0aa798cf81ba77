"""The journal's tables, the version number that says which of them a file has, and the
upgrade of a file written by an older version.

Every statement is ``CREATE ... IF NOT EXISTS``, so opening an older journal runs them all
again and only what is missing is added; bump ``SCHEMA_VERSION`` whenever a table or
index is added here, or when stored values change meaning (then :func:`upgrade` rewrites
them in the same transaction). A journal newer than this code is refused (see
``Journal._migrate``).
"""

from __future__ import annotations

import json
import sqlite3

from pipeline.titles import title_key

# 2: reserved_refs; 3: title keys by title_key; 4: versions; 5: mail;
# 6: policy_generations, register_written (a sync writes only the rows that changed)
SCHEMA_VERSION = 6

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256       TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    processed_at TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS policies (
    ref        TEXT PRIMARY KEY,
    title_key  TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS policies_title_key ON policies (title_key);
CREATE TABLE IF NOT EXISTS reference_counters (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reserved_refs (
    title_key   TEXT PRIMARY KEY,
    ref         TEXT NOT NULL,
    reserved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    happened   TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    file       TEXT NOT NULL,
    form_type  TEXT NOT NULL,
    policy_ref TEXT NOT NULL,
    who        TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_policy ON events (policy_ref, sort_key);
CREATE TABLE IF NOT EXISTS versions (
    ref         TEXT NOT NULL,
    version     TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    record      TEXT NOT NULL,
    PRIMARY KEY (ref, version)
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mail_notices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    file       TEXT NOT NULL,
    body       TEXT NOT NULL,
    attachment TEXT NOT NULL DEFAULT '{}',
    created    TEXT NOT NULL,
    message_id INTEGER
);
CREATE INDEX IF NOT EXISTS mail_notices_open ON mail_notices (message_id);
CREATE TABLE IF NOT EXISTS mail_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    attachments  TEXT NOT NULL DEFAULT '[]',
    created      TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    sent_at      TEXT
);
CREATE INDEX IF NOT EXISTS mail_messages_waiting ON mail_messages (sent_at, next_attempt);
CREATE TABLE IF NOT EXISTS reminders_sent (
    policy_ref  TEXT NOT NULL,
    stage       TEXT NOT NULL,
    review_date TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (policy_ref, stage, review_date)
);
CREATE TABLE IF NOT EXISTS policy_generations (
    ref        TEXT PRIMARY KEY,
    generation INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS register_written (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    day        TEXT NOT NULL,
    writer     TEXT NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0), ('synced_generation', 0);
"""


def upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Rewrite values whose meaning changed since schema ``version``; run inside the
    transaction that creates the missing tables.

    Before 3, title keys were made by an older rule; left as they were, a title would stop
    finding its own policy. A policy's key is recomputed from the title stored in its body.
    A reservation keeps no title, so its key is recomputed from the old key, which recovers
    what the old rule kept (zero-width characters) but not what it dropped (the dot of
    "3. Carers Policy", "&"); reservations only matter for a form cut short before its
    journal entry, so at worst such a form gets a new reference. Where two reservations now
    share a key, the earliest stays: it is the reference a cut-short form was given first.
    """
    if version >= 3:
        return
    rows = conn.execute("SELECT ref, body FROM policies").fetchall()
    for ref, body in rows:
        title = _stored_title(body)
        conn.execute(
            "UPDATE policies SET title_key = ? WHERE ref = ?",
            (title_key(title) if title is not None else "", ref),
        )
    reserved = conn.execute(
        "SELECT title_key, ref, reserved_at FROM reserved_refs ORDER BY reserved_at, ref"
    ).fetchall()
    conn.execute("DELETE FROM reserved_refs")
    for key, ref, when in reserved:
        if not title_key(key):
            continue  # never reserved under an empty key: it matches nothing
        conn.execute(
            "INSERT OR IGNORE INTO reserved_refs (title_key, ref, reserved_at) VALUES (?, ?, ?)",
            (title_key(key), ref, when),
        )


def _stored_title(body: str) -> str | None:
    """The title stored in a policy row's JSON body, if it has one."""
    try:
        value = json.loads(body).get("title")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
