"""Turning an accepted record into its documents and its register row.

A :class:`Preparer` decides the policy reference, renders the documents (DOCX) and says
which PDFs to make; it writes nothing to the journal. The register values it returns are
merged into the policy's row only once the PDFs exist. What differs between form types
(which version a document carries, which register values it sets) is one small builder
per form type in :data:`BUILDERS`; everything else is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.assemble.render import Assembler, RenderContext
from pipeline.compare.stored import to_json
from pipeline.convert.base import ConversionJob
from pipeline.dates import format_date
from pipeline.framework import Framework
from pipeline.html.page import PageContext, render_documents
from pipeline.journal.store import FileOutcome, Journal
from pipeline.journal.versions import versions_of
from pipeline.pdf.finish import PdfMetadata
from pipeline.publish.changes import (
    KIND,
    Changes,
    folder,
    previous,
    published_version,
    write_changes,
)
from pipeline.publish.outbox import PUBLISHED_KINDS, Outbox, carried_live
from pipeline.publish.signoff import FIELDS
from pipeline.records import FormRecord
from pipeline.titles import title_key
from pipeline.validate.reading import document_texts, measure
from pipeline.validate.rules import Interpreted

DOCUMENT_NAMES = {
    "policy": "policy",
    "implementation_plan": "implementation-plan",
    "consultation_response": "consultation-response",
    "policy_request": "policy-request",
}


@dataclass
class Prepared:
    """An accepted form, its documents rendered, waiting for its PDFs."""

    record: FormRecord
    ref: str
    who: str
    docx: Path | None = None
    pdf: Path | None = None
    jobs: list[ConversionJob] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    earlier: FileOutcome | None = None
    stored: tuple[str, str] | None = None  # (version, record JSON) for the journal's versions

    @classmethod
    def duplicate(cls, earlier: FileOutcome) -> Prepared:
        return cls(record=FormRecord("", Path(earlier.name)), ref="", who="", earlier=earlier)

    @property
    def outputs(self) -> list[Path]:
        return [p for p in (self.docx, self.pdf) if p is not None]


@dataclass
class BatchState:
    """What this batch has decided but not yet written to the journal."""

    refs: dict[str, str] = field(default_factory=dict)  # titles.title_key -> reference
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # reference -> pending values
    versions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # ref -> accepted


@dataclass(frozen=True)
class Form:
    """One accepted form, as a builder sees it."""

    record: FormRecord
    interpreted: Interpreted
    existing: dict[str, Any]  # the policy's register row, with this batch's changes
    framework: Framework


# A builder says which version the form's document carries and the register values it sets.
Builder = Callable[[Form], tuple[str, dict[str, Any]]]


def _policy(form: Form) -> tuple[str, dict[str, Any]]:
    record, it, fw = form.record, form.interpreted, form.framework
    version = it.version or record.value("version")
    change_key = it.choices.get("change_type", "")
    sign_key = it.choices.get("sign_off_level", "")
    change_label = fw.change_type(change_key).label if change_key else ""
    if "change_type" in it.derived:
        change_label = f"{change_label} (worked out: {it.derived['change_type']})"
    values: dict[str, Any] = {
        "policy_received": True,
        "version": version,
        "change_type_key": change_key,
        "change_type": change_label or record.value("change_type"),
        "sign_off_key": sign_key,
        "sign_off_level": fw.sign_off_level(sign_key).label if sign_key else "",
        "strategic_owner": record.value("strategic_owner"),
        "business_owner": record.value("business_owner"),
        "author": record.value("author"),
        "approved_by": record.value("approved_by"),
        "impact_assessment": it.choices.get("impact_assessment", record.value("impact_assessment")),
        "consultation_required": bool(it.yes_no.get("consultation_required", False)),
        "reading": measure(document_texts(record, fw)).summary(),
    }
    for key in ("approval_date", "last_review", "next_review"):
        rng = it.dates.get(key)
        values[key] = rng.start if rng else None
        values[f"{key}_text"] = record.value(key)
    if str(form.existing.get("version") or "") == version:
        # The same version sent again without a value it gave before keeps that value: a
        # form in the framework's template cannot take back a sign-off given earlier.
        for key in ("change_type_key", "change_type", "sign_off_key", "sign_off_level"):
            if not values[key] and form.existing.get(key):
                values[key] = form.existing[key]
    values["register_typed"] = _typed_kept(form, version, values)
    values["held_back"] = _held_back(form)
    return version, values


def _typed_kept(form: Form, version: str, values: dict[str, Any]) -> dict[str, Any]:
    """What managers typed in the register (:mod:`pipeline.publish.signoff`) that still
    holds for this form: for the same version, each note whose value the form did not
    change; a new version starts without."""
    if str(form.existing.get("version") or "") != version:
        return {}
    keys = {f.column: f.key for f in FIELDS}
    kept = form.existing.get("register_typed") or {}
    return {c: e for c, e in kept.items() if c in keys and e.get("key", "") == values[keys[c]]}


def _held_back(form: Form) -> list[str]:
    """What the policy form leaves for later, in the register's words: the fields the
    framework needs for publication (not for acceptance) that it left blank, and tracked
    changes nobody has accepted. The change type and sign-off are the gate's own
    (:mod:`pipeline.publish.gate`)."""
    record, fw = form.record, form.framework
    rules = fw.rules_for(record.form_type)
    own = {str(v) for r in rules if r.kind == "sign_off_level" for v in r.params.values()}
    fields = [
        f"the {f.label[0].lower()}{f.label[1:]}"
        for f in fw.form(record.form_type).publish_fields
        if f.key not in own and not record.value(f.key) and f.key not in form.interpreted.derived
    ]
    changes = [
        f"{count} tracked change{'s' if count != 1 else ''} by {author} accepted or rejected"
        for author, count in record.revisions.items()
    ]
    return fields + changes


def _current_version(form: Form) -> str:
    """A plan or a response belongs to the policy's version in the register."""
    return str(form.existing.get("version") or "1")


def _implementation_plan(form: Form) -> tuple[str, dict[str, Any]]:
    owner = form.record.value("business_owner")
    return _current_version(form), {
        "plan_business_owner": owner,
        "implementation_plan": f"Yes: {owner}",
    }


def _consultation_response(form: Form) -> tuple[str, dict[str, Any]]:
    start, end = form.record.value("consultation_start"), form.record.value("consultation_end")
    return _current_version(form), {
        "consultation_response": True,
        "consultation_dates": f"{start} to {end}",
    }


def _policy_request(form: Form) -> tuple[str, dict[str, Any]]:
    return "request", {"author": form.record.value("author") or form.record.value("requested_by")}


BUILDERS: dict[str, Builder] = {
    "policy": _policy,
    "implementation_plan": _implementation_plan,
    "consultation_response": _consultation_response,
    "policy_request": _policy_request,
}


@dataclass
class Preparer:
    """Prepares one batch's accepted forms; its :class:`BatchState` lives as long as it does."""

    framework: Framework
    journal: Journal
    assembler: Assembler
    outbox: Outbox
    batch: BatchState = field(default_factory=BatchState)

    def reference(self, record: FormRecord, interpreted: Interpreted) -> str:
        """The form's policy reference: as written, this batch's for its title, or a new one.

        The reference as validation read it (canonical, fitting the framework's pattern),
        never the raw text: it names the policy's folder.
        """
        fw = self.framework
        title = record.value(fw.form(record.form_type).title_field)
        key = title_key(title)  # the one rule for "same policy", as the journal's
        ref = (
            interpreted.reference
            or (key and self.batch.refs.get(key))
            or self.journal.reference_for(title, fw.reference_prefix, fw.reference_digits)
        )
        if key:
            self.batch.refs.setdefault(key, ref)
        return ref

    def registered(self, ref: str) -> dict[str, Any]:
        """The policy's register row with this batch's changes on top."""
        return {**(self.journal.policy(ref) or {}), **self.batch.rows.get(ref, {})}

    def prepare(
        self, record: FormRecord, interpreted: Interpreted, *, file_name: str, today: date
    ) -> Prepared:
        fw = self.framework
        form = fw.form(record.form_type)
        title = record.value(form.title_field)
        ref = self.reference(record, interpreted)
        existing = self.registered(ref)
        who = record.value("author") or record.value("requested_by")
        values: dict[str, Any] = {"ref": ref, "updated": datetime.now(), "source": file_name}
        if not existing.get("title") or record.form_type in ("policy", "policy_request"):
            values["title"] = title
        version, own = BUILDERS[record.form_type](Form(record, interpreted, existing, fw))
        values.update(own)
        kind = record.form_type
        name = DOCUMENT_NAMES[kind]
        # Every path is checked to stay inside its folder before anything is written or decided.
        docx_path = self.outbox.document_path(ref, folder(version), f"{name}.docx")
        pdf_path = self.outbox.document_path(ref, folder(version), f"{name}.pdf")
        master = self.outbox.master_path(ref, version, name)
        stored = (version, to_json(record)) if kind == "policy" else None
        shown = published_version((existing.get("documents") or {}).get(kind))
        changes = self._compare(ref, stored, shown, title, today) if stored else None
        summary = changes.comparison.summary_line() if changes is not None else ""
        history = _history(existing, record, version, today, summary) if stored else []
        if history:
            values["history"] = [list(h) for h in history]
        context = RenderContext(
            policy_ref=ref,
            version=version,
            council=fw.council,
            generated=format_date(today),
            change_history=history,
            draft=False,
            missing=[],
        )
        assembled = self.assembler.render(record, docx_path, context=context)
        metadata = PdfMetadata(
            title=assembled.title,
            subject=form.label,
            author=fw.council,
            keywords=f"adult social care; {form.label.lower()}; {ref}",
            language=fw.language,
            version=version,
        )
        documents = dict(existing.get("documents") or {})
        documents[kind] = {
            "title": assembled.title,
            "version": version,
            "docx": str(docx_path),
            "master": str(master),
            "pdf": str(pdf_path),
            "date": today.isoformat(),
            "change": record.value("change_summary"),
            **_replaces(documents.get(kind), version),
            **carried_live(documents.get(kind)),
        }
        if kind in PUBLISHED_KINDS:
            documents[kind].update(
                self._pages(record, ref, version, name, assembled.title, history, today)
            )
        jobs = [ConversionJob(docx=docx_path, pdf=master, metadata=metadata, draft=False)]
        if changes is not None:
            documents[KIND] = {**changes.document, **carried_live(documents.get(KIND))}
            jobs.append(changes.job)
        values["documents"] = documents
        self.batch.rows[ref] = {**self.batch.rows.get(ref, {}), **values}
        return Prepared(
            record=record,
            ref=ref,
            who=who,
            docx=docx_path,
            pdf=pdf_path,
            jobs=jobs,
            values=values,
            stored=stored,
        )

    def _pages(
        self,
        record: FormRecord,
        ref: str,
        version: str,
        name: str,
        title: str,
        history: list[tuple[str, str, str, str]],
        today: date,
    ) -> dict[str, str]:
        """The document's web page, clean and DRAFT, kept as masters: the gate picks one."""
        fw = self.framework
        paths = {"html": self.outbox.document_path(ref, folder(version), f"{name}.html")}
        context = PageContext(title, ref, version, fw.council, format_date(today), tuple(history))
        pages = render_documents(record, fw.form(record.form_type), context)  # clean, DRAFT
        for (draft, key), html in zip(
            ((False, "html_master"), (True, "html_draft_master")), pages, strict=True
        ):
            master = self.outbox.master_path(ref, version, name + ("-draft" if draft else ""))
            master = master.with_suffix(".html")
            atomic.write_text(master, html)
            paths[key] = master
        return {key: str(path) for key, path in paths.items()}

    def _compare(
        self, ref: str, stored: tuple[str, str], published: str, title: str, today: date
    ) -> Changes | None:
        """Compare this version with the published one, else the one accepted before it
        (none for a first version), writing the comparison's files; this version joins the
        batch's versions."""
        before = self.versions(ref)
        self.batch.versions[ref] = [*(v for v in before if v[0] != stored[0]), stored]
        earlier = previous(before, stored[0], published)
        if earlier is None:
            return None
        fw = self.framework
        return write_changes(
            self.outbox, ref, earlier, stored, title=title, language=fw.language, today=today
        )

    def versions(self, ref: str) -> list[tuple[str, str]]:
        """The policy's accepted versions (version, record JSON), this batch's included."""
        return self.batch.versions.get(ref) or versions_of(self.journal, ref)


def _replaces(earlier: dict[str, Any] | None, version: str) -> dict[str, str]:
    """Which published file of an earlier version this document's publication replaces."""
    if not earlier or not earlier.get("published") or str(earlier.get("version")) == version:
        return {k: v for k, v in (earlier or {}).items() if k.startswith("replaces_")}
    return {"replaces_version": str(earlier["version"]), "replaces_file": earlier["published"]}


def _history(
    existing: dict[str, Any], record: FormRecord, version: str, today: date, compared: str = ""
) -> list[tuple[str, str, str, str]]:
    """The version and change history: earlier entries from the register, this version last,
    described by the officer's "What has changed", else by the comparison's summary."""
    earlier: list[tuple[str, str, str, str]] = []
    for h in existing.get("history", []):
        if len(h) == 4 and str(h[0]) != version:
            earlier.append((str(h[0]), str(h[1]), str(h[2]), str(h[3])))
    entry = (
        version,
        format_date(today),
        record.value("change_summary") or compared or "Issued.",
        record.value("author"),
    )
    return [*earlier, entry]
