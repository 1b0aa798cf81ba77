"""A new version's comparison with the version before: which version, and its documents.

When a policy's new version is accepted, :func:`write_changes` compares its record with
the previous version's (kept in the journal, see :mod:`pipeline.compare.stored`) and
writes ``changes-since-<previous>.docx`` (Word tracked changes) beside its documents, the
readable comparison that the batch's converter turns into ``changes-since-<previous>.pdf``,
and its web page (``html/comparison.py``), kept as a master that the outbox copies beside
the PDF (and publishes with it, as it does the policy's own page).
``pipeline diff`` uses the same functions for any two versions. It never compares layouts
and never compares a policy with another policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.compare.diff import Comparison, compare
from pipeline.compare.readable import LEGEND, PARAGRAPH_LABEL, write_readable
from pipeline.compare.stored import from_json
from pipeline.compare.tracked import write_tracked
from pipeline.convert.base import ConversionJob
from pipeline.convert.factory import make_converter
from pipeline.dates import format_date
from pipeline.errors import ConversionError, PipelineError
from pipeline.html.comparison import ComparisonContext, render_comparison
from pipeline.journal.store import Journal
from pipeline.journal.versions import versions_of
from pipeline.paths import safe_path
from pipeline.pdf.finish import PdfMetadata
from pipeline.publish.outbox import CHANGES, Outbox
from pipeline.workspace import Workspace

KIND = CHANGES  # the comparison's key in a policy's documents


class UnknownVersion(PipelineError):
    """A version ``pipeline diff`` was asked for that the journal does not hold."""


def folder(version: str) -> str:
    """A version as a folder and file name part ("2", "2.1"): the rule prepare uses."""
    cleaned = re.sub(r"[^0-9A-Za-z.]+", "-", version).strip("-.")
    return cleaned or "1"


def previous(
    versions: list[tuple[str, str]], version: str, published: str = ""
) -> tuple[str, str] | None:
    """The (version, record) to compare ``version`` with: the ``published`` one (what the
    public has seen) if it was accepted before this one, else the one accepted just before
    ``version`` (the last one, for a new version); None for a policy's first version."""
    names = [v for v, _ in versions]
    before = versions[: names.index(version)] if version in names else versions
    shown = [v for v in before if v[0] == published]
    return shown[-1] if shown else (before[-1] if before else None)


def published_version(document: dict[str, Any] | None) -> str:
    """The version of a policy's document entry that is in publish/ now, or ""."""
    if not document:
        return ""
    if document.get("published"):
        return str(document.get("version", ""))
    return str(document.get("replaces_version", ""))


def pick(versions: list[tuple[str, str]], ref: str, old: str, new: str) -> tuple[str, str]:
    """``pipeline diff``'s two versions: as given, or the latest and the one before it."""
    names = [v for v, _ in versions]
    new = new or (names[-1] if names else "")
    if new not in names:
        held = ", ".join(names) or "none"
        raise UnknownVersion(f"{ref} has no version {new or '(any)'} (versions kept: {held}).")
    if not old:
        found = previous(versions, new)
        if found is None:
            raise UnknownVersion(f"{ref} version {new} is its first: there is nothing before it.")
        old = found[0]
    if old not in names:
        raise UnknownVersion(f"{ref} has no version {old} (versions kept: {', '.join(names)}).")
    return old, new


@dataclass(frozen=True)
class Changes:
    """A comparison written: its register entry and the job that makes its PDF."""

    comparison: Comparison
    document: dict[str, Any]
    job: ConversionJob


def write_changes(
    outbox: Outbox,
    ref: str,
    old: tuple[str, str],
    new: tuple[str, str],
    *,
    title: str,
    language: str,
    today: date,
) -> Changes:
    """Compare two (version, record JSON) and write the tracked .docx and the PDF's source."""
    (old_version, old_json), (new_version, new_json) = old, new
    comparison = compare(from_json(old_json), from_json(new_json), old_version, new_version)
    name = f"changes-since-{folder(old_version)}"
    docx = write_tracked(
        comparison,
        title,
        datetime.now(),
        outbox.document_path(ref, folder(new_version), f"{name}.docx"),
    )
    source = write_readable(
        comparison,
        title,
        safe_path(outbox.workspace.state, "comparisons", ref, folder(new_version), f"{name}.docx"),
    )
    master = outbox.master_path(ref, new_version, name)
    label = f"{title}: changes since version {old_version}"
    page = ComparisonContext(
        title=title,
        ref=ref,
        council=outbox.framework.council,
        published=format_date(today),
        legend=LEGEND,
        paragraph_labels=PARAGRAPH_LABEL,
    )
    html_master = master.with_suffix(".html")
    atomic.write_text(html_master, render_comparison(comparison, page))
    metadata = PdfMetadata(
        title=label,
        subject="What changed between two versions of a policy",
        author=outbox.framework.council,
        keywords=f"adult social care; policy changes; {ref}",
        language=language,
        version=new_version,
    )
    document = {
        "title": label,
        "version": new_version,
        "since": old_version,
        "docx": str(docx),
        "master": str(master),
        "pdf": str(Path(docx).with_suffix(".pdf")),
        "html": str(Path(docx).with_suffix(".html")),
        "html_master": str(html_master),
        "policy_title": title,
        "date": today.isoformat(),
        "change": comparison.summary_line(),
    }
    return Changes(comparison, document, ConversionJob(docx=source, pdf=master, metadata=metadata))


def diff_versions(
    workspace: Workspace, ref: str, old: str = "", new: str = "", *, today: date
) -> Changes:
    """``pipeline diff``: compare two kept versions of ``ref`` and write both files, the PDF
    converted at once; the register is not changed."""
    framework = workspace.framework()
    ref = ref.strip().upper()
    with Journal(workspace.journal_path) as journal:
        row = journal.policy(ref)
        versions = versions_of(journal, ref)
    if row is None:
        raise UnknownVersion(f"{ref} is not in the register: check the reference.")
    if not versions:
        raise UnknownVersion(
            f"{ref} has no versions kept to compare: versions are kept from the first one "
            "accepted by a pipeline that keeps them."
        )
    old, new = pick(versions, ref, old.strip(), new.strip())
    kept = dict(versions)
    changes = write_changes(
        Outbox(workspace, framework),
        ref,
        (old, kept[old]),
        (new, kept[new]),
        title=str(row.get("title") or ref),
        language=framework.language,
        today=today,
    )
    with make_converter(workspace.converter, workspace.state) as converter:
        results = converter.convert([changes.job])
    if not results or not results[0].ok:
        error = results[0].error if results else "nothing converted"
        raise ConversionError(f"The comparison's PDF could not be made: {error}")
    atomic.copy(changes.job.pdf, Path(changes.document["pdf"]))
    atomic.copy(Path(changes.document["html_master"]), Path(changes.document["html"]))
    return changes
