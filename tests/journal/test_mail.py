"""The mail queue and the reminders sent, in the journal: kept across an upgrade, once each."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from pipeline.journal import mail
from pipeline.journal.store import Journal


def test_a_schema_4_journal_gains_the_mail_tables_and_keeps_its_policies(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = Journal(path)
    old.upsert_policy("ASC-POL-001", {"title": "Kept Policy"})
    with old.transaction():
        for table in ("mail_notices", "mail_messages", "reminders_sent"):
            old._conn.execute(f"DROP TABLE {table}")
        old._conn.execute("PRAGMA user_version = 4")
    old.close()
    with Journal(path) as journal:
        assert journal.policy("ASC-POL-001") is not None
        mail.add_message(journal, "a@council.example", "Subject", "Body", [])
        assert mail.backlog(journal) == (1, "")


def test_a_notice_goes_into_exactly_one_message(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        mail.add_notice(journal, "a@council.example", "accepted", "one.docx", "one")
        [notice] = mail.open_notices(journal)
        mail.add_message(journal, notice.recipient, "S", notice.body, [], [notice.id])
        assert mail.open_notices(journal) == []
        [waiting] = mail.waiting(journal, datetime.now() + timedelta(seconds=1))
        assert (waiting.recipient, waiting.body, waiting.attempts) == (
            "a@council.example",
            "one",
            0,
        )


def test_a_failure_waits_for_its_retry_time_and_is_shown_until_sent(tmp_path: Path) -> None:
    now = datetime(2026, 12, 1, 9, 0)
    with Journal(tmp_path / "j.sqlite") as journal:
        mail.add_message(journal, "a@council.example", "S", "B", [])
        [message] = mail.waiting(journal, now)
        mail.mark_failed(journal, message.id, "connection refused", now + timedelta(minutes=1))
        assert mail.waiting(journal, now) == []
        assert [m.attempts for m in mail.waiting(journal, now, everything=True)] == [1]
        assert mail.backlog(journal) == (1, "connection refused")
        mail.mark_sent(journal, message.id, now + timedelta(minutes=1))
        assert mail.waiting(journal, now + timedelta(hours=1), everything=True) == []
        assert mail.backlog(journal) == (0, "")


def test_a_reminder_is_recorded_once_per_policy_stage_and_review_date(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite") as journal:
        assert not mail.reminded(journal, "ASC-POL-001", "overdue", "2026-01-01")
        mail.record_reminder(journal, "ASC-POL-001", "overdue", "2026-01-01")
        mail.record_reminder(journal, "ASC-POL-001", "overdue", "2026-01-01")  # no error
        assert mail.reminded(journal, "ASC-POL-001", "overdue", "2026-01-01")
        assert not mail.reminded(journal, "ASC-POL-001", "due soon", "2026-01-01")
        assert not mail.reminded(journal, "ASC-POL-001", "overdue", "2028-01-01")
