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
from datetime import date
from pathlib import Path

from pipeline.assemble.render import Assembler
from pipeline.convert.base import ConversionJob, Converter
from pipeline.convert.legacy import convert_legacy
from pipeline.convert.starter import ConverterStarter
from pipeline.errors import RejectedFile, UnsafePath
from pipeline.faults import explain
from pipeline.forms.read import read_form
from pipeline.intake import inbox
from pipeline.journal.store import Journal
from pipeline.notify.outcomes import Notifier, contact_problems
from pipeline.notify.send import Delivery, deliver
from pipeline.outcome import BatchResult
from pipeline.publish.outbox import Outbox
from pipeline.publish.prepare import Prepared, Preparer
from pipeline.publish.signoff import take_from_register
from pipeline.records import FormRecord
from pipeline.register import workbook
from pipeline.safety.check import checked_file
from pipeline.settle import Settler, Work
from pipeline.titles import title_key
from pipeline.validate.identity import check_identity
from pipeline.validate.rules import Context, Interpreted, Problem, has_errors, interpret, validate
from pipeline.workspace import Workspace

log = logging.getLogger(__name__)


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
        self.settler = Settler(workspace, self.journal, self.outbox, self.notifier)
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
        checked = checked_file(path)
        if checked.kind in ("docx", "xlsx"):
            return read_form(path, self.framework, checked)
        converted = convert_legacy(
            path, checked.kind, scratch, self.workspace.converter, self.workspace.state
        )
        again = checked_file(converted)
        if again.kind not in ("docx", "xlsx"):
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
        # before anything writes the register over what managers typed in it
        typed_note = take_from_register(self.journal, self.outbox, self.workspace.register)
        self._forms(files, today, result)
        if typed_note:
            result.register_note = f"{typed_note}; {result.register_note}"
        return result

    def _forms(self, files: Sequence[Path] | None, today: date, result: BatchResult) -> BatchResult:
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
                result.accepted.append(self.settler.accept(w, today))
            else:
                result.rejected.append(self.settler.reject(w))
        if any(a.status != "duplicate" for a in result.accepted):
            self.outbox.write_manifest(self.journal)
        self._sync_register(today, result)
        return result

    def _place(self, work: Work) -> tuple[int, str, str]:
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

    def _read(self, claim: inbox.Claim, today: date) -> Work:
        work = Work(claim=claim, sha256=claim.sha256())
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

    def _prepare(self, work: Work, today: date) -> None:
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

    def _identify(self, work: Work, record: FormRecord, interpreted: Interpreted) -> bool:
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

    def _prepare_and_convert(self, work: list[Work], today: date) -> None:
        """Render each accepted form's documents and convert them, overlapped.

        The converter pulls jobs from a generator on this thread: while LibreOffice converts
        one document, the next is rendered. Rendering stays on this thread because it issues
        references from the journal (SQLite connections are per thread).
        """
        ready: list[Work] = []

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
