"""Review reminders: each owner once per policy and stage, the manager's digest once a week."""

from __future__ import annotations

from datetime import date, timedelta

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.journal.store import Journal
from pipeline.notify.people import People
from pipeline.notify.remind import queue_reminders, stage_of
from pipeline.workspace import Workspace
from tests.helpers.smtp import SmtpServer

SARAH = "Sarah Mackereth, Principal Social Worker"
SARAH_AT = "sarah.mackereth@council.example"
MANAGER = "manager@council.example"


def _register(ws: Workspace, today: date) -> None:
    with Journal(ws.journal_path) as journal:
        for ref, title, owner, review in (
            ("ASC-POL-001", "Carers Policy", SARAH, today - timedelta(days=400)),
            ("ASC-POL-002", "Charging Policy", SARAH, today + timedelta(days=30)),
            ("ASC-POL-003", "Transport Policy", "Nobody Known, Officer", today - timedelta(days=1)),
            ("ASC-POL-004", "Direct Payments Policy", SARAH, today + timedelta(days=400)),
        ):
            journal.upsert_policy(
                ref, {"title": title, "business_owner": owner, "next_review": review}
            )


def _remind(ws: Workspace) -> str:
    result = CliRunner().invoke(cli, ["remind", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_remind_twice_sends_each_owner_one_reminder_then_nothing(
    mail_workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _register(mail_workspace, date.today())
    first = _remind(mail_workspace)
    assert f"Reminder to {SARAH_AT}: ASC-POL-001, ASC-POL-002" in first
    assert "No address for Nobody Known, Officer (ASC-POL-003): add to people.csv" in first
    assert "Mail: 2 sent, 0 waiting" in first
    [to_sarah] = smtp_server.to(SARAH_AT)
    assert to_sarah.recipients == (SARAH_AT,)
    assert to_sarah.subject == "Policy reviews: 1 overdue, 1 due soon"
    body = to_sarah.body()
    assert "ASC-POL-001  Carers Policy: review overdue" in body
    assert "ASC-POL-002  Charging Policy: review due soon" in body
    assert "ASC-POL-003" not in body and "ASC-POL-004" not in body
    [digest] = smtp_server.to(MANAGER)
    assert digest.subject == "Weekly digest: Policy reviews: 2 overdue, 1 due soon"
    assert "ASC-POL-003  Transport Policy: review overdue" in digest.body()
    assert "add them to people.csv): Nobody Known, Officer" in digest.body()

    second = _remind(mail_workspace)
    assert "Reminder to" not in second and "Weekly digest" not in second
    assert "Mail: 0 sent, 0 waiting" in second
    assert len(smtp_server.received) == 2


def test_a_new_stage_is_reminded_again(mail_workspace: Workspace) -> None:
    today = date(2026, 6, 1)
    _register(mail_workspace, today)
    people = People.load(mail_workspace.root)
    with Journal(mail_workspace.journal_path) as journal:
        first = queue_reminders(journal, people, 90, today)
        assert [i.ref for i in first.owners[SARAH_AT]] == ["ASC-POL-001", "ASC-POL-002"]
        assert first.digest_to == ""  # no manager given
        assert queue_reminders(journal, people, 90, today + timedelta(days=1)).owners == {}
        on_the_day = queue_reminders(journal, people, 90, today + timedelta(days=30))
        assert [(i.ref, i.stage) for i in on_the_day.owners[SARAH_AT]] == [("ASC-POL-002", "due")]
        later = queue_reminders(journal, people, 90, today + timedelta(days=31))
        assert [(i.ref, i.stage) for i in later.owners[SARAH_AT]] == [("ASC-POL-002", "overdue")]


def test_stages() -> None:
    today = date(2026, 6, 1)
    assert stage_of(date(2026, 5, 31), today, 90) == "overdue"
    assert stage_of(today, today, 90) == "due"
    assert stage_of(date(2026, 8, 30), today, 90) == "due soon"
    assert stage_of(date(2026, 8, 31), today, 90) is None


def test_without_mail_settings_remind_sends_nothing(workspace: Workspace) -> None:
    assert _remind(workspace) == "No [mail] host in pipeline.toml: nothing sent.\n"
