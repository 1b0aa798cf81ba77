"""Delivery: the journal's waiting messages to the mail server, with back-off.

Why: a batch must succeed whether or not the mail server answers, and a message must
arrive even when it did not. Each message is marked sent in the journal only after the
server accepted it; a failure records the error and the time of the next try (one minute,
doubling, at most six hours). A watcher respects the back-off; a person running
``pipeline run`` or ``pipeline remind`` retries everything waiting. It refuses to raise:
whatever goes wrong with mail is logged, kept in the journal and shown by ``pipeline status``.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from pipeline.journal import mail
from pipeline.journal.store import Journal
from pipeline.notify.compose import compose
from pipeline.notify.settings import MailSettings

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    waiting: int = 0
    error: str = ""


def retry_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure (1, 2, 4 ... minutes, at most 6 h)."""
    wait: timedelta = FIRST_RETRY * (2 ** min(max(0, attempts - 1), 16))
    return min(wait, LONGEST_RETRY)


def build(settings: MailSettings, waiting: mail.Waiting) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = waiting.recipient
    message["Subject"] = waiting.subject
    message.set_content(waiting.body)
    for attachment in waiting.attachments:
        message.add_attachment(
            attachment.get("text", ""),
            subtype="plain",
            filename=attachment.get("name", "report.txt"),
        )
    return message


def _connection_lost(exc: Exception) -> bool:
    """A socket error or a dropped connection, not a refusal (SMTPException is an OSError)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
        if settings.username:
            server.login(settings.username, settings.password)
    except BaseException:
        server.close()
        raise
    return server


def deliver(
    journal: Journal,
    settings: MailSettings | None,
    *,
    everything: bool = False,
    now: datetime | None = None,
) -> Delivery:
    """Compose open notices, then send what is due (or ``everything`` waiting)."""
    if settings is None:
        return Delivery()
    compose(journal)
    now = now or datetime.now()  # after composing: a message just made is due at once
    due = mail.waiting(journal, now, everything=everything)
    sent, error = 0, ""
    if due:
        try:
            server = _connect(settings)
        except (OSError, smtplib.SMTPException) as exc:
            error = f"cannot reach the mail server {settings.host}:{settings.port}: {exc}"
            for waiting in due:
                mail.mark_failed(
                    journal, waiting.id, error, now + retry_after(waiting.attempts + 1)
                )
        else:
            try:
                for waiting in due:
                    try:
                        server.send_message(build(settings, waiting))
                    except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError:
                        # an address or header that cannot be encoded for this server
                        error = f"the mail server refused a message to {waiting.recipient}: {exc}"
                        retry = now + retry_after(waiting.attempts + 1)
                        mail.mark_failed(journal, waiting.id, error, retry)
                        if _connection_lost(exc):
                            break  # the rest wait for the next try
                    else:
                        mail.mark_sent(journal, waiting.id, datetime.now())
                        sent += 1
            finally:
                try:
                    server.quit()
                except (OSError, smtplib.SMTPException):
                    server.close()
    if error:
        log.warning("Mail: %s; the messages wait in the journal and are tried again.", error)
    count, _ = mail.backlog(journal)
    return Delivery(sent=sent, waiting=count, error=error)
