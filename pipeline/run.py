"""One batch: claim, read, validate, assemble, convert, register, move the originals.

Data flows one way through the stages. Conversion, the slow part, is done for the whole
batch at once so LibreOffice's workers stay busy; the register is loaded and saved once per
batch. Each file's journal entry is written in one transaction after its outputs exist, so
a crash leaves either nothing or a complete result, and recovery finishes the job.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline import atomic
from pipeline.assemble.render import Assembler
from pipeline.convert.base import ConversionJob, Converter
from pipeline.convert.legacy import convert_legacy
from pipeline.convert.starter import ConverterStarter
from pipeline.errors import RejectedFile, UnsafePath
from pipeline.faults import explain
from pipeline.forms.read import read_form
from pipeline.intake import inbox
from pipeline.journal.store import Event, Journal
from pipeline.journal.values import FileOutcome
from pipeline.notify.outcomes import Notifier, contact_problems
from pipeline.notify.send import Delivery, deliver
from pipeline.outcome import Accepted, BatchResult, Rejected
from pipeline.paths import fit_name, safe_path
from pipeline.publish.outbox import Outbox
from pipeline.publish.prepare import Prepared, Preparer
from pipeline.records import FormRecord
from pipeline.register import workbook
from pipeline.safety.check import check_file
from pipeline.titles import title_key
from pipeline.validate.identity import check_identity
from pipeline.validate.report import render_report
from pipeline.validate.rules import Context, Interpreted, Problem, has_errors, interpret, validate
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
class _Work:
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


class Pipeline:
    """A workspace's pipeline, with the framework, templates and LibreOffice loaded once.

    Use it as a context manager; a watcher keeps one open across many batches.
    """

    def __init__(self, workspace: Workspace, *, converter: Converter | None = None) -> None:
        self.workspace = workspace
        self.framework = workspace.framework()
        workspace.ensure_folders()
        for left in inbox.sweep_temporaries(workspace):  # a killed pipeline's half-written files
            log.info("Removed %s, left half-written by a pipeline that stopped", left)
        self.assembler = Assembler(workspace.templates, self.framework)
        # LibreOffice starts in the background once the first form will need it
        self.starter = ConverterStarter(workspace.converter, workspace.state, converter)
        self.journal = Journal(workspace.journal_path)
        self.outbox = Outbox(workspace, self.framework)
        self.notifier = Notifier(workspace, self.journal)
        self.preparer = self._new_preparer()

    def _new_preparer(self) -> Preparer:
        """A preparer for one batch: what the batch decides is forgotten with it."""
        return Preparer(self.framework, self.journal, self.assembler, self.outbox)

    @property
    def converter(self) -> Converter:
        return self.starter.get()

    def close(self) -> None:
        self.starter.close()
        self.journal.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- checking only -------------------------------------------------------------

    def check(
        self, path: Path, today: date | None = None
    ) -> tuple[FormRecord | None, list[Problem]]:
        """Read and validate one file without producing anything: (record, problems).

        A refused file comes back as ``(None, [its reason as a problem])``.
        """
        try:
            with tempfile.TemporaryDirectory(dir=self.workspace.state) as scratch:
                record = self._read_any(path, Path(scratch))
        except RejectedFile as exc:
            return None, [Problem(field="", message=exc.reason, fix=exc.advice)]
        ref = interpret(record, self.framework).reference or self.journal.find_reference(
            record.value(self.framework.form(record.form_type).title_field)
        )
        known = self.journal.policy(ref) if ref else None
        context = Context(
            today=today or date.today(),
            registered_version=str(known["version"]) if known and known.get("version") else None,
        )
        problems = validate(record, self.framework, context)
        return record, problems + contact_problems(record, self.framework)

    def _read_any(self, path: Path, scratch: Path) -> FormRecord:
        """The form in ``path``; other formats (.doc, .odt, .xls...) converted first by
        LibreOffice in ``scratch`` and passed through the safety gate again."""
        kind = check_file(path)
        if kind in ("docx", "xlsx"):
            return read_form(path, self.framework, kind)
        converted = convert_legacy(
            path, kind, scratch, self.workspace.converter, self.workspace.state
        )
        again = check_file(converted)
        if again not in ("docx", "xlsx"):
            raise RejectedFile(
                "damaged file", "LibreOffice could not make it into a Word or Excel file"
            )
        record = read_form(converted, self.framework, again)
        record.source = path
        return record

    # -- a batch -------------------------------------------------------------------

    def run(
        self,
        files: Sequence[Path] | None = None,
        *,
        today: date | None = None,
        retry_mail: bool = False,
    ) -> BatchResult:
        """Process the given files, or everything waiting in the inbox; then send the mail
        due (all mail waiting with ``retry_mail``, as when a person runs a batch)."""
        result = self._run(files, today)
        self.send_mail(everything=retry_mail)
        return result

    def send_mail(self, *, everything: bool = False) -> Delivery:
        """Send the mail whose back-off has passed (or all waiting); never raises for mail."""
        return deliver(self.journal, self.notifier.settings, everything=everything)

    def _run(self, files: Sequence[Path] | None, today: date | None) -> BatchResult:
        today = today or date.today()
        result = BatchResult()
        claims = inbox.orphans(self.workspace)
        for path in files if files is not None else inbox.waiting(self.workspace):
            taken = self._take(path)
            if taken is not None:
                claims.append(taken)
        if not claims:
            self._sync_register(today, result)
            return result
        work = sorted((self._read(claim, today) for claim in claims), key=self._place)
        self.preparer = self._new_preparer()
        self._prepare_and_convert(work, today)
        for w in work:
            if w.prepared is not None:
                result.accepted.append(self._accept(w, today))
            else:
                result.rejected.append(self._reject(w))
        if any(a.status != "duplicate" for a in result.accepted):
            self.outbox.write_manifest(self.journal)
        self._sync_register(today, result)
        return result

    def _place(self, work: _Work) -> tuple[int, str, str]:
        """Where a form goes in the batch: by form type, then title key, then file name."""
        record, key = work.record, ""
        if record is not None and record.form_type in self.framework.forms:
            key = title_key(record.value(self.framework.form(record.form_type).title_field))
        return (work.order, key, work.claim.name)

    def _take(self, path: Path) -> inbox.Claim | None:
        path = path.resolve()
        if path.parent == self.workspace.inbox.resolve():
            return inbox.claim(path, self.workspace)
        return inbox.claim_copy(path, self.workspace)

    def _read(self, claim: inbox.Claim, today: date) -> _Work:
        work = _Work(claim=claim, sha256=claim.sha256())
        earlier = self.journal.file_outcome(work.sha256)
        if earlier is not None and earlier.outcome == "accepted":
            work.prepared = Prepared.duplicate(earlier)
            return work
        if (
            earlier is not None
            and earlier.outcome == "rejected"
            and claim.was  # a dead process's claim, not the same bytes dropped again
            and earlier.detail.get("claim") == claim.claimed_as
        ):
            work.journalled = earlier
            return work
        record, problems = self.check(claim.path, today)
        work.problems = problems
        work.record = record
        if record is not None and not has_errors(problems):
            self.starter.warm_up()
        return work

    def _prepare(self, work: _Work, today: date) -> None:
        record = work.record
        if work.prepared is not None or record is None or has_errors(work.problems):
            return
        interpreted = interpret(record, self.framework)
        if not self._identify(work, record, interpreted):
            return
        try:
            work.prepared = self.preparer.prepare(
                record, interpreted, file_name=work.claim.name, today=today
            )
        except RejectedFile as exc:
            work.problems = [*work.problems, Problem(field="", message=exc.reason, fix=exc.advice)]
        except UnsafePath as exc:  # validation should have turned the value back already
            log.warning("Refused to write %s: %s", work.claim.name, exc)
            refused = Problem(
                field="",
                message=f"The documents could not be written where this form says: {exc}",
                fix="Check the Policy reference and the Version. If they look right, tell the "
                "administrator.",
            )
            work.problems = [*work.problems, refused]

    def _identify(self, work: _Work, record: FormRecord, interpreted: Interpreted) -> bool:
        """Whether the form's reference and title agree (see :mod:`pipeline.validate.identity`).

        Checked here, against the register with this batch's changes, rather than when the
        form is read, so a policy renamed earlier in the batch is known by its new title.
        """
        ref = interpreted.reference  # canonical: "asc-pol-3 " is never a second policy
        if not ref:
            return True
        title = record.value(self.framework.form(record.form_type).title_field)
        key = title_key(title)
        batch = self.preparer.batch
        holder = (key and batch.refs.get(key)) or self.journal.find_reference(title)
        known = ref in batch.rows or self.journal.policy(ref) is not None
        registered = self.preparer.registered(ref) if known else None
        found = check_identity(record, self.framework, interpreted, registered, holder)
        if found.problem is not None:
            work.problems = [*work.problems, found.problem]
            return False
        work.renamed_from = found.renamed_from
        return True

    def _prepare_and_convert(self, work: list[_Work], today: date) -> None:
        """Render each accepted form's documents and convert them, overlapped.

        The converter pulls jobs from a generator on this thread: while LibreOffice converts
        one document, the next is rendered. Rendering stays on this thread because it issues
        references from the journal (SQLite connections are per thread).
        """
        ready: list[_Work] = []

        def jobs() -> Iterator[ConversionJob]:
            for w in work:
                self._prepare(w, today)
                if w.prepared is not None:
                    ready.append(w)
                    yield from w.prepared.jobs

        pending = jobs()
        first = next(pending, None)  # no document to make: LibreOffice is not needed
        results = self.converter.convert(itertools.chain([first], pending)) if first else []
        for r in results:
            if r.fault is not None:  # a full disk is no reason to reject the form: stop here
                raise r.fault
        failed = {r.job.docx: r.error or "conversion failed" for r in results if not r.ok}
        for w in ready:
            assert w.prepared is not None
            errors = [failed[j.docx] for j in w.prepared.jobs if j.docx in failed]
            if errors:
                w.problems.append(
                    Problem(
                        field="",
                        message=f"The PDF could not be made: {errors[0]}",
                        fix="Tell the administrator; the form itself may be fine. Drop it again once they say so.",
                    )
                )
                w.prepared = None

    def _accept(self, w: _Work, today: date) -> Accepted:
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
                self.journal.save_version(prepared.ref, *prepared.stored)
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

    def _reject(self, w: _Work) -> Rejected:
        """Write the report, then the journal entry, then move the original to rejected/.

        In that order a crash leaves at worst a report, or a claim the journal already
        holds as rejected, which the next start only moves (:meth:`_finish_reject`).
        """
        if w.journalled is not None:
            return self._finish_reject(w, w.journalled)
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

    def _finish_reject(self, w: _Work, earlier: FileOutcome) -> Rejected:
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

    def _sync_register(self, today: date, batch: BatchResult) -> None:
        """Bring register.xlsx up to date, or say in the batch's note why it waits."""
        if not self.journal.register_pending() and self.workspace.register.exists():
            batch.register_note = "register up to date"
            return
        try:
            result = workbook.sync(self.journal, self.workspace.register, today=today)
        except OSError as exc:  # a read-only share: the forms are done, the update waits
            fault = explain(exc, root=self.workspace.root, journal=self.workspace.journal_path)
            if fault is None:
                raise
            batch.fault = fault.message
            result = workbook.SyncResult(written=False, reason=fault.message)
        if not result.written:  # say how much waits, beside who or what holds it
            waiting = self.journal.register_waiting()
            held = result.reason or "register not written"
            s = "s" if waiting != 1 else ""
            batch.register_note = f"{waiting} register update{s} waiting: {held}"
            return
        batch.register_note = result.reason or "register updated"


def run_batch(
    workspace: Workspace, files: Sequence[Path] | None = None, *, today: date | None = None
) -> BatchResult:
    """Process one batch with a pipeline opened and closed around it.

    If the batch fails (a full disk, a share gone), the files it claimed go back to the
    inbox before the error propagates, so the next run takes them again.
    """
    with Pipeline(workspace) as pipeline:
        try:
            return pipeline.run(files, today=today, retry_mail=True)
        except BaseException:
            inbox.hand_back_own(workspace)
            raise
