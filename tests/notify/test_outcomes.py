"""The issue's "done when": a rejected and an accepted form each bring their officer one
email; a message queued while the server is down arrives once when ``pipeline run`` runs
again. The real pipeline, the real LibreOffice, a real SMTP server."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.cli import cli
from pipeline.run import run_batch
from pipeline.watch.status import workspace_status
from pipeline.workspace import Workspace
from tests.helpers.filled import with_values
from tests.helpers.paths import EXAMPLES
from tests.helpers.smtp import SmtpServer

ACCEPTED_BY = "officer.a@council.example"
REJECTED_BY = "officer.b@council.example"
LATE = "officer.c@council.example"
OWNER = "sarah.mackereth@council.example"  # in people.csv (tests/conftest.py mail_workspace)


def _run(ws: Workspace) -> int:
    return CliRunner().invoke(cli, ["run", "--workspace", str(ws.root)]).exit_code


@pytest.mark.requires_libreoffice
def test_a_problems_email_and_a_receipt_then_a_waiting_message_arrives_once(
    mail_workspace: Workspace, smtp_server: SmtpServer, policy_form: Callable[[str], bytes]
) -> None:
    ws = mail_workspace
    good = with_values(policy_form("Mail Receipt Policy"), {"Contact email": ACCEPTED_BY})
    bad = with_values(
        policy_form("Mail Problems Policy"), {"Contact email": REJECTED_BY, "Version": "banana"}
    )
    (ws.inbox / "good.docx").write_bytes(good)
    (ws.inbox / "bad.docx").write_bytes(bad)
    result = run_batch(ws)
    assert [a.file for a in result.accepted] == ["good.docx"]
    assert [r.file for r in result.rejected] == ["bad.docx"]
    accepted, rejected = result.accepted[0], result.rejected[0]

    for output in accepted.outputs:  # the officer's address is never published
        if output.suffix == ".pdf":
            text = "".join(page.extract_text() for page in PdfReader(output).pages)
        else:
            text = zipfile.ZipFile(output).read("word/document.xml").decode("utf-8")
        assert text and ACCEPTED_BY not in text, output

    [receipt] = smtp_server.to(ACCEPTED_BY)
    assert receipt.recipients == (ACCEPTED_BY,)
    assert receipt.subject == "Policy forms: 1 accepted"
    body = receipt.body()
    assert (
        f'Your form "good.docx" was accepted: {accepted.policy_ref} "Mail Receipt Policy"' in body
    )
    assert f"Status: {accepted.status}." in body
    assert f"Documents: outbox/{accepted.policy_ref}/" in body
    assert (
        "Still needed before publication: " in body
        and "Still needed before publication: nothing" not in body
    )
    assert "Mail Problems Policy" not in body and "bad.docx" not in body

    [problems] = smtp_server.to(REJECTED_BY)
    assert problems.recipients == (REJECTED_BY,)
    assert problems.subject == "Policy forms: 1 not accepted"
    assert rejected.report is not None
    report = rejected.report.read_text(encoding="utf-8")
    assert problems.attachments() == {rejected.report.name: report}
    assert report.rstrip() in problems.body()
    assert "What to do next: put right the problems above" in problems.body()
    assert "Mail Receipt Policy" not in problems.body() and "good.docx" not in problems.body()
    assert len(smtp_server.received) == 2  # the owner is told only once the policy is published

    smtp_server.stop()
    late = with_values(policy_form("Mail Late Policy"), {"Contact email": LATE, "Version": "x"})
    (ws.inbox / "late.docx").write_bytes(late)
    assert _run(ws) == 1  # the form is rejected; the batch itself does not fail for mail
    status = workspace_status(ws)
    assert status.mail_waiting == 1
    assert "cannot reach the mail server" in status.mail_error

    smtp_server.start()
    assert _run(ws) == 0  # nothing new in the inbox: it only sends what waits
    assert _run(ws) == 0
    [waited] = smtp_server.to(LATE)
    assert waited.subject == "Policy forms: 1 not accepted" and "late.docx" in waited.body()
    assert len(smtp_server.received) == 3
    assert workspace_status(ws).mail_waiting == 0


def test_without_mail_settings_a_batch_queues_nothing(
    workspace: Workspace, invalid_form: Callable[[int], bytes]
) -> None:
    (workspace.inbox / "bad.docx").write_bytes(invalid_form(1))
    assert not run_batch(workspace).ok
    assert workspace_status(workspace).mail_waiting == 0


@pytest.mark.requires_libreoffice
def test_an_address_that_does_not_parse_is_a_warning_never_a_rejection(
    mail_workspace: Workspace, smtp_server: SmtpServer, policy_form: Callable[[str], bytes]
) -> None:
    form = with_values(policy_form("Mail Typo Policy"), {"Contact email": "sarah at council"})
    (mail_workspace.inbox / "typo.docx").write_bytes(form)
    result = run_batch(mail_workspace)
    assert result.rejected == []
    [accepted] = result.accepted
    [warning] = [w for w in accepted.warnings if w.field == "Contact email"]
    assert warning.message == (
        'The Contact email "sarah at council" is not an email address, so no email about this '
        "form can be sent."
    )
    assert smtp_server.received == []  # no address to write to; the author is not in people.csv


@pytest.mark.requires_libreoffice
def test_the_business_owner_is_told_when_the_policy_is_published(
    mail_workspace: Workspace, smtp_server: SmtpServer
) -> None:
    for sample in sorted(EXAMPLES.glob("personal-budgets-*.docx")):
        shutil.copy(sample, mail_workspace.inbox / sample.name)
    result = run_batch(mail_workspace)
    assert result.ok and result.accepted[-1].status == "published"  # once the last piece came
    ref = result.accepted[0].policy_ref
    [told] = smtp_server.to(OWNER)
    assert told.subject == "Policy forms: 1 published"
    body = told.body()
    assert f'{ref} "Personal Budgets Policy"' in body and "you are its business owner" in body
    published = sorted(p.name for p in mail_workspace.publish_dir.glob("*.pdf"))
    assert published and f"Publication files in outbox/publish/: {', '.join(published)}." in body
    assert len(smtp_server.received) == 1  # the samples give no Contact email
