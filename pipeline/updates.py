"""Turning an accepted record into its documents and its register row.

``prepare_accepted`` decides the policy reference, renders the documents (DOCX) and says
which PDFs to make; it writes nothing to the journal. The register values it returns are
merged into the policy's row only once the PDFs exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.assemble import RenderContext
from pipeline.dates import format_date
from pipeline.journal import FileOutcome
from pipeline.pdf import PdfMetadata
from pipeline.publish import ConversionJob
from pipeline.records import FormRecord
from pipeline.titles import title_key
from pipeline.validate import Interpreted, Problem

if TYPE_CHECKING:
    from pipeline.run import Pipeline

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

    @classmethod
    def duplicate(cls, earlier: FileOutcome) -> Prepared:
        return cls(record=FormRecord("", Path(earlier.name)), ref="", who="", earlier=earlier)

    @property
    def outputs(self) -> list[Path]:
        return [p for p in (self.docx, self.pdf) if p is not None]


def slug(text: str) -> str:
    """A web-friendly file name part: "Personal Budgets Policy" -> "personal-budgets-policy"."""
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return words[:80].strip("-") or "document"


def _version_folder(version: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z.]+", "-", version).strip("-.")
    return cleaned or "1"


def prepare_accepted(
    record: FormRecord,
    interpreted: Interpreted,
    problems: list[Problem],
    pipeline: Pipeline,
    *,
    file_name: str,
    today: date,
) -> Prepared:
    fw = pipeline.framework
    form = fw.form(record.form_type)
    journal = pipeline.journal
    title = record.value(form.title_field)
    batch = pipeline.batch
    key = title_key(title)  # the one rule for "same policy", as the journal's
    # The reference as validation read it (canonical, fitting the framework's pattern),
    # never the raw text: it names the policy's folder.
    ref = (
        interpreted.reference
        or (key and batch.refs.get(key))
        or journal.reference_for(title, fw.reference_prefix, fw.reference_digits)
    )
    if key:
        batch.refs.setdefault(key, ref)
    existing = {**(journal.policy(ref) or {}), **batch.rows.get(ref, {})}
    who = record.value("author") or record.value("requested_by")
    values: dict[str, Any] = {"ref": ref, "updated": datetime.now(), "source": file_name}
    if not existing.get("title") or record.form_type in ("policy", "policy_request"):
        values["title"] = title

    if record.form_type == "policy":
        version = interpreted.version or record.value("version")
        values.update(_policy_values(record, interpreted, pipeline, version))
    else:
        version = (
            str(existing.get("version") or "1")
            if record.form_type != "policy_request"
            else "request"
        )
        if record.form_type == "implementation_plan":
            owner = record.value("business_owner")
            values.update({"plan_business_owner": owner, "implementation_plan": f"Yes: {owner}"})
        elif record.form_type == "consultation_response":
            start, end = record.value("consultation_start"), record.value("consultation_end")
            values.update(
                {"consultation_response": True, "consultation_dates": f"{start} to {end}"}
            )
        elif record.form_type == "policy_request":
            values.setdefault("author", who)
    kind = record.form_type
    name = DOCUMENT_NAMES[kind]
    # Every path is checked to stay inside its folder before anything is written or decided.
    docx_path = pipeline.outputs.document_path(ref, _version_folder(version), f"{name}.docx")
    pdf_path = pipeline.outputs.document_path(ref, _version_folder(version), f"{name}.pdf")
    master = pipeline.outputs.master_path(ref, version, name)
    history = _history(existing, record, version, today) if kind == "policy" else []
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
    assembled = pipeline.assembler.render(record, docx_path, context=context)
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
    }
    values["documents"] = documents
    batch.rows[ref] = {**batch.rows.get(ref, {}), **values}
    return Prepared(
        record=record,
        ref=ref,
        who=who,
        docx=docx_path,
        pdf=pdf_path,
        jobs=[ConversionJob(docx=docx_path, pdf=master, metadata=metadata, draft=False)],
        values=values,
    )


def _policy_values(
    record: FormRecord, it: Interpreted, pipeline: Pipeline, version: str
) -> dict[str, Any]:
    fw = pipeline.framework
    change_key = it.choices.get("change_type", "")
    sign_key = it.choices.get("sign_off_level", "")
    values: dict[str, Any] = {
        "policy_received": True,
        "version": version,
        "change_type_key": change_key,
        "change_type": fw.change_type(change_key).label
        if change_key
        else record.value("change_type"),
        "sign_off_key": sign_key,
        "sign_off_level": fw.sign_off_level(sign_key).label if sign_key else "",
        "strategic_owner": record.value("strategic_owner"),
        "business_owner": record.value("business_owner"),
        "author": record.value("author"),
        "approved_by": record.value("approved_by"),
        "impact_assessment": it.choices.get("impact_assessment", record.value("impact_assessment")),
        "consultation_required": bool(it.yes_no.get("consultation_required", False)),
    }
    for key in ("approval_date", "last_review", "next_review"):
        rng = it.dates.get(key)
        values[key] = rng.start if rng else None
        values[f"{key}_text"] = record.value(key)
    return values


def _history(
    existing: dict[str, Any], record: FormRecord, version: str, today: date
) -> list[tuple[str, str, str, str]]:
    """The version and change history: earlier entries from the register, this version last."""
    earlier: list[tuple[str, str, str, str]] = []
    for h in existing.get("history", []):
        if len(h) == 4 and str(h[0]) != version:
            earlier.append((str(h[0]), str(h[1]), str(h[2]), str(h[3])))
    entry = (
        version,
        format_date(today),
        record.value("change_summary") or "Issued.",
        record.value("author"),
    )
    return [*earlier, entry]
