"""Delivery against a real SMTP server: one message per person, and exactly once even when
the server was down."""

from __future__ import annotations

from datetime import datetime, timedelta

from pipeline.journal import mail
from pipeline.journal.store import Journal
from pipeline.notify.send import deliver, retry_after
from pipeline.notify.settings import load_mail_settings
from pipeline.watch.status import workspace_status
from pipeline.workspace import Workspace
from tests.helpers.smtp import SmtpServer

A, B = "officer.a@council.example", "officer.b@council.example"


def _queue(journal: Journal) -> None:
    with journal.transaction():
        mail.add_notice(journal, A, "accepted", "one.docx", "one.docx was accepted")
        mail.add_notice(
            journal, A, "rejected", "two.docx", "two.docx was not", {"name": "r.txt", "text": "R\n"}
        )
        mail.add_notice(journal, B, "accepted", "three.docx", "three.docx was accepted")


def test_one_message_per_person_listing_only_their_forms(
    mail_workspace: Workspace, smtp_server: SmtpServer
) -> None:
    settings = load_mail_settings(mail_workspace)
    with Journal(mail_workspace.journal_path) as journal:
        _queue(journal)
        delivery = deliver(journal, settings)
    assert (delivery.sent, delivery.waiting, delivery.error) == (2, 0, "")
    [to_a] = smtp_server.to(A)
    [to_b] = smtp_server.to(B)
    assert to_a.recipients == (A,) and to_b.recipients == (B,)
    assert to_a.subject == "Policy forms: 1 not accepted, 1 accepted"
    assert to_b.subject == "Policy forms: 1 accepted"
    assert str(to_a.message["From"]) == "pipeline@council.example"
    body_a = to_a.body()
    assert body_a.index("two.docx was not") < body_a.index("one.docx was accepted")
    assert to_a.attachments() == {"r.txt": "R\n"}
    assert "one.docx" not in to_b.body() and "two.docx" not in to_b.body()
    assert to_b.attachments() == {}


def test_server_down_then_up_every_message_arrives_exactly_once(
    mail_workspace: Workspace, smtp_server: SmtpServer
) -> None:
    settings = load_mail_settings(mail_workspace)
    now = datetime(2026, 11, 30, 9, 0)
    smtp_server.stop()
    with Journal(mail_workspace.journal_path) as journal:
        _queue(journal)
        down = deliver(journal, settings, now=now)
        assert (down.sent, down.waiting) == (0, 2)
        assert "cannot reach the mail server 127.0.0.1" in down.error
        status = workspace_status(mail_workspace)
        assert status.mail_waiting == 2
        assert f"Mail: 2 message(s) waiting to be sent; last error: {down.error}" in status.lines()

        smtp_server.start()
        early = deliver(journal, settings, now=now + retry_after(1) - timedelta(seconds=1))
        assert (early.sent, early.waiting) == (0, 2)  # the back-off has not passed yet
        assert smtp_server.received == []
        up = deliver(journal, settings, now=now + retry_after(1))
        assert (up.sent, up.waiting, up.error) == (2, 0, "")
        again = deliver(journal, settings, everything=True, now=now + timedelta(hours=1))
        assert (again.sent, again.waiting) == (0, 0)
    assert len(smtp_server.to(A)) == 1 and len(smtp_server.to(B)) == 1
    assert len(smtp_server.received) == 2
    assert workspace_status(mail_workspace).mail_waiting == 0


def test_a_refused_message_waits_and_the_others_go(
    mail_workspace: Workspace, smtp_server: SmtpServer
) -> None:
    settings = load_mail_settings(mail_workspace)
    smtp_server.refusing.add(A)
    with Journal(mail_workspace.journal_path) as journal:
        _queue(journal)
        first = deliver(journal, settings)
        assert (first.sent, first.waiting) == (1, 1)
        assert first.error.startswith(f"the mail server refused a message to {A}: ")
        assert "550" in first.error
        smtp_server.refusing.clear()
        second = deliver(journal, settings, everything=True)
        assert (second.sent, second.waiting, second.error) == (1, 0, "")
    assert len(smtp_server.to(A)) == 1 and len(smtp_server.to(B)) == 1


def test_back_off_doubles_to_at_most_six_hours() -> None:
    assert [retry_after(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_after(50) == timedelta(hours=6)
