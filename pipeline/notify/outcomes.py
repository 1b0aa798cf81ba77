"""The notices a batch queues: the problems to an officer, a receipt, a publication.

Why: each notice is queued inside the transaction that records its form's outcome, so the
journal never holds an outcome whose message was lost, nor a message for an outcome a crash
undid. A notice goes only to the address the form gives (its "Contact email", else its
author in people.csv) or, for a publication, to the policy's business owner: it never
carries another officer's form. It refuses to send (``send`` does) and, without
``[mail]`` in pipeline.toml, to queue anything at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.framework import Framework
from pipeline.journal import mail
from pipeline.journal.store import Journal
from pipeline.notify.people import PEOPLE_FILE, People, parse_address
from pipeline.notify.settings import MailSettings, load_mail_settings
from pipeline.records import FormRecord
from pipeline.validate.messages import Problem, problem
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)

CONTACT_FIELD = "contact_email"


def contact_problems(record: FormRecord | None, framework: Framework) -> list[Problem]:
    """A warning (never an error) when the form's Contact email is not an address."""
    written = record.value(CONTACT_FIELD) if record is not None else ""
    if record is None or not written or parse_address(written):
        return []
    form = framework.forms.get(record.form_type)
    fields = {f.key: f.label for f in form.fields} if form is not None else {}
    label = fields.get(CONTACT_FIELD, "Contact email")
    location = record.location(CONTACT_FIELD)
    return [problem("bad_email", label, location, label=label, value=written)]


class Notifier:
    """Queues a batch's notices in the journal, when the workspace has mail settings."""

    def __init__(self, ws: Workspace, journal: Journal) -> None:
        self.ws = ws
        self.journal = journal
        self.settings: MailSettings | None = load_mail_settings(ws)
        self._people = People()
        self._people_stamp: float | None = None

    @property
    def people(self) -> People:
        """people.csv, read again when it changed (a watcher runs for weeks)."""
        try:
            stamp: float | None = (self.ws.root / PEOPLE_FILE).stat().st_mtime
        except OSError:
            stamp = None
        if self.settings is not None and stamp != self._people_stamp:
            self._people, self._people_stamp = People.load(self.ws.root), stamp
        return self._people

    def _show(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.ws.root))
        except ValueError:
            return str(path)

    def officer(self, record: FormRecord | None) -> str | None:
        """Who sent the form: its Contact email, else its author's address in people.csv."""
        if record is None:
            return None
        return parse_address(record.value(CONTACT_FIELD)) or self.people.address_for(
            record.value("author")
        )

    def rejected(self, record: FormRecord | None, file: str, report: Path, text: str) -> None:
        """The officer gets the report's own words (``text``), the report attached, and what
        to do next."""
        to = self.officer(record) if self.settings else None
        if to is None:
            return
        body = (
            f'Your form "{file}" was not accepted.\n\n{text.rstrip()}\n\n'
            "What to do next: put right the problems above in your copy of the form and drop "
            f"it into {self._show(self.ws.inbox)}/ again. The form you sent is kept in "
            f"{self._show(self.ws.rejected)}/ with this report beside it ({report.name})."
        )
        mail.add_notice(
            self.journal, to, "rejected", file, body, {"name": report.name, "text": text}
        )

    def accepted(
        self,
        record: FormRecord,
        file: str,
        row: dict[str, Any],
        outputs: Sequence[Path],
        before: str,
    ) -> None:
        """A receipt to the officer; the business owner told when the policy is published."""
        if self.settings is None:
            return
        ref, status = str(row.get("ref", "")), str(row.get("status", ""))
        title, version = row.get("title", ""), row.get("version", "")
        to = self.officer(record)
        if to is not None:
            where = sorted({self._show(p.parent) for p in outputs})
            missing = str(row.get("missing") or "") or "nothing"
            body = (
                f'Your form "{file}" was accepted: {ref} "{title}", version {version}.\n'
                f"Status: {status}.\n"
                f"Documents: {', '.join(where) or 'none'}.\n"
                f"Still needed before publication: {missing}."
            )
            mail.add_notice(self.journal, to, "accepted", file, body)
        if status == "published" and (before != "published" or record.form_type == "policy"):
            self._published(row, file)

    def _published(self, row: dict[str, Any], file: str) -> None:
        named = str(row.get("plan_business_owner") or row.get("business_owner") or "")
        to = self.people.address_for(named)
        if to is None:
            log.info("No address for %r, the business owner of %s", named, row.get("ref"))
            return
        documents: dict[str, dict[str, Any]] = dict(row.get("documents") or {})
        names = sorted(Path(d["published"]).name for d in documents.values() if d.get("published"))
        body = (
            f'{row.get("ref", "")} "{row.get("title", "")}", version {row.get("version", "")}, '
            f"is published; you are its business owner.\n"
            f"Publication files in {self._show(self.ws.publish_dir)}/: {', '.join(names)}."
        )
        mail.add_notice(self.journal, to, "published", file, body)
