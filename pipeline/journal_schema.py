"""The journal's tables, and the version number that says which of them a file has.

Every statement is ``CREATE ... IF NOT EXISTS``, so opening an older journal runs them all
again and only what is missing is added; bump ``SCHEMA_VERSION`` whenever a table or
index is added here. A journal newer than this code is refused (see ``Journal._migrate``).
"""

SCHEMA_VERSION = 2  # 2: reserved_refs

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
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0), ('synced_generation', 0);
"""
