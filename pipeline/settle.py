"""Settling each file of a batch: its journal entry first, then the move of the original.

An accepted form's register values, event and file outcome go into the journal in one
transaction (with any mail to send), and only then is the original archived; a rejected
form's report is written, then its journal entry, then the original moves to
``rejected/``. In that order a crash leaves nothing half-recorded: the next start finishes
the move (:meth:`Settler.finish_reject`, and the journal's duplicate check for accepted
files). Apart from :mod:`pipeline.run` so that the batch reads as its stages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline import atomic
from pipeline.intake import inbox
from pipeline.journal.store import Event, Journal
from pipeline.journal.values import FileOutcome
from pipeline.journal.versions import save_version
from pipeline.notify.outcomes import Notifier
from pipeline.outcome import Accepted, Rejected
from pipeline.paths import fit_name, safe_path
from pipeline.publish.outbox import Outbox
from pipeline.publish.prepare import Prepared
from pipeline.records import FormRecord
from pipeline.validate.report import render_report
from pipeline.validate.rules import Problem
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)

# Policies are prepared before the plans and responses that refer to them, so a policy and
# its implementation plan dropped together share one reference. Within a form type, forms go
# by title key then file name, so a batch issues the same numbers whatever order the files
# were listed in.
FORM_ORDER = {
    "policy_request": 0,
    "policy": 1,
    "implementation_plan": 2,
    "consultation_response": 3,
}


@dataclass
class Work:
    """One claimed file on its way through the batch."""

    claim: inbox.Claim
    sha256: str
    record: FormRecord | None = None
    prepared: Prepared | None = None
    problems: list[Problem] = field(default_factory=list)
    renamed_from: str = ""  # the policy's title before this form renamed it
    journalled: FileOutcome | None = None  # rejected in the journal, the move cut short

    @property
    def order(self) -> int:
        return FORM_ORDER.get(self.record.form_type, 9) if self.record else 9


class Settler:
    """Writes each file's outcome to the journal, then moves the original."""

    def __init__(
        self, workspace: Workspace, journal: Journal, outbox: Outbox, notifier: Notifier
    ) -> None:
        self.workspace = workspace
        self.journal = journal
        self.outbox = outbox
        self.notifier = notifier

    def accept(self, w: Work, today: date) -> Accepted:
        prepared = w.prepared
        assert prepared is not None
        if prepared.earlier is not None:
            archived = inbox.archive(w.claim, self.workspace, today)
            when = prepared.earlier.processed_at.strftime("%d/%m/%Y %H:%M")
            outputs = tuple(Path(p) for p in prepared.earlier.detail.get("outputs", []))
            note = f"already processed on {when}; outputs: {', '.join(str(p) for p in outputs) or 'none'}"
            atomic.write_text(
                safe_path(archived.parent, fit_name(archived.name, " - already processed.txt")),
                note + "\n",
            )
            return Accepted(
                w.claim.name,
                str(prepared.earlier.detail.get("form_type", "")),
                str(prepared.earlier.detail.get("policy_ref", "")),
                "duplicate",
                outputs,
                note=note,
            )
        with self.journal.transaction():
            before = str((self.journal.policy(prepared.ref) or {}).get("status", ""))
            self.journal.upsert_policy(prepared.ref, prepared.values)
            self.journal.upsert_policy(
                prepared.ref, self.outbox.gate_updates(self.journal, prepared.ref)
            )
            if prepared.stored is not None:
                save_version(self.journal, prepared.ref, *prepared.stored)
            self.journal.add_event(
                Event(
                    when=datetime.now(),
                    file=w.claim.name,
                    form_type=prepared.record.form_type,
                    policy_ref=prepared.ref,
                    who=prepared.who,
                    outcome="accepted",
                    detail=(f'Renamed from "{w.renamed_from}"; ' if w.renamed_from else "")
                    + f"outputs: {len(prepared.outputs)} files"
                    + (f"; reading: {r}" if (r := prepared.values.get("reading")) else ""),
                )
            )
            self.journal.record_file(
                w.sha256,
                w.claim.name,
                "accepted",
                {
                    "form_type": prepared.record.form_type,
                    "policy_ref": prepared.ref,
                    "outputs": [str(p) for p in prepared.outputs],
                },
            )
            row = self.journal.policy(prepared.ref) or {}
            self.notifier.accepted(prepared.record, w.claim.name, row, prepared.outputs, before)
        inbox.archive(w.claim, self.workspace, today)
        warnings = tuple(p for p in w.problems if p.severity == "warning")
        return Accepted(
            w.claim.name,
            prepared.record.form_type,
            prepared.ref,
            str(row.get("status", "")),
            tuple(prepared.outputs),
            warnings,
        )

    def reject(self, w: Work) -> Rejected:
        """Write the report, then the journal entry, then move the original to rejected/.

        In that order a crash leaves at worst a report, or a claim the journal already
        holds as rejected, which the next start only moves (:meth:`finish_reject`).
        """
        if w.journalled is not None:
            return self.finish_reject(w, w.journalled)
        reason = (
            w.problems[0].message
            if len(w.problems) == 1 and not w.problems[0].field
            else "problems in the form"
        )
        report_text = render_report(w.claim.name, None, w.problems, when=datetime.now())
        target, report_path = inbox.write_report(w.claim, self.workspace, report_text)
        with self.journal.transaction():
            self.journal.add_event(
                Event(
                    when=datetime.now(),
                    file=w.claim.name,
                    form_type="",
                    policy_ref="",
                    who="",
                    outcome="rejected",
                    detail="; ".join(p.message for p in w.problems if p.severity == "error")[:500],
                )
            )
            self.journal.record_file(
                w.sha256,
                w.claim.name,
                "rejected",
                {
                    "reason": reason,
                    "claim": w.claim.claimed_as,
                    "moved_to": str(target),
                    "report": str(report_path),
                },
            )
            self.notifier.rejected(w.record, w.claim.name, report_path, report_text)
        moved = inbox.move_rejected(w.claim, self.workspace, target)
        errors = tuple(p for p in w.problems if p.severity == "error") or tuple(w.problems)
        return Rejected(w.claim.name, errors, reason, report_path, moved)

    def finish_reject(self, w: Work, earlier: FileOutcome) -> Rejected:
        """Move a claim whose rejection a killed process journalled but did not move."""
        reason = str(earlier.detail.get("reason", "problems in the form"))
        problems = (Problem(field="", message=reason, fix="See the report beside the form."),)
        report_path = Path(str(earlier.detail.get("report", "")))
        target = Path(str(earlier.detail.get("moved_to", "")))
        if target.parent != self.workspace.rejected or not report_path.is_file():
            # written before the journal entry, so only a person can have taken it away
            target, report_path = inbox.write_report(
                w.claim,
                self.workspace,
                render_report(w.claim.name, None, problems, when=datetime.now()),
            )
        moved = inbox.move_rejected(w.claim, self.workspace, target)
        log.info("Moved %s to rejected/: its rejection was journalled before a stop", w.claim.name)
        return Rejected(w.claim.name, problems, reason, report_path, moved)
