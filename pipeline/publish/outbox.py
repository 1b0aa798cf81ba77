"""Where finished documents go, and publishing them when the gate opens.

``outbox/<ref>/<version>/`` holds each document's .docx and .pdf: the PDF is stamped
DRAFT while the policy is not publishable. An unstamped master of every PDF is kept in the
workspace's state folder, so when the missing piece arrives later the policy is published
from its master without re-rendering or resubmitting anything. ``outbox/publish/`` holds
the latest publishable PDF and web page of each document under a stable, web-friendly
name (a policy's comparison with its previous version once the policy itself is published),
with ``manifest.csv`` and ``index.html`` for the web team. Every write is a temporary file and a rename.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.dates import format_date
from pipeline.framework import Framework
from pipeline.html.index import Listed, render_index
from pipeline.journal.store import Journal
from pipeline.paths import safe_path, within
from pipeline.pdf.finish import stamp_draft
from pipeline.publish.gate import missing_for_publication, status_for
from pipeline.workspace import Workspace

PUBLISHED_KINDS = ("policy", "consultation_response")
CHANGES = "changes"  # a policy's comparison with its previous version (publish/changes.py)
MANIFEST_COLUMNS = (
    "file",
    "title",
    "ref",
    "version",
    "date",
    "what changed",
    "document",
    "replaces",
)


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever the file is replaced or rewritten; None if there is none."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def slug(text: str) -> str:
    """A web-friendly file name part: "Personal Budgets Policy" -> "personal-budgets-policy"."""
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return words[:80].strip("-") or "document"


_LIVE_KEYS = (
    "title",
    "policy_title",
    "version",
    "date",
    "change",
    "since",
    "published",
    "published_html",
    "replaces_version",
    "replaces_file",
)


def live(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """What publish/ holds for a document now: the entry itself once it is published, else
    the published version it replaces, kept under ``"live"`` until this one takes its place.

    A new version that arrives as a DRAFT leaves the last published one in publish/; the
    manifest and index.html list that one, or the web team would take down a live policy.
    """
    if not doc:
        return None
    if doc.get("published"):
        return doc
    kept = doc.get("live")
    return kept if isinstance(kept, dict) else None


def carried_live(earlier: dict[str, Any] | None) -> dict[str, Any]:
    """The ``"live"`` entry a document replacing ``earlier`` keeps until it is published."""
    shown = live(earlier)
    return {"live": {k: shown[k] for k in _LIVE_KEYS if k in shown}} if shown else {}


def _replaced(doc: dict[str, Any]) -> str:
    """The manifest's "replaces": "version 2 (its published file)", or "" for a first."""
    if not doc.get("replaces_version"):
        return ""
    return f"version {doc['replaces_version']} ({Path(str(doc['replaces_file'])).name})"


class Outbox:
    def __init__(self, workspace: Workspace, framework: Framework) -> None:
        self.workspace = workspace
        self.framework = framework
        # outbox file -> (master, the master's identity, stamped, the file's identity) when
        # this pipeline last wrote it
        self._written: dict[Path, tuple[Path, object, bool, object]] = {}

    def _write(self, master: Path, dst: Path, *, draft: bool) -> None:
        """Copy ``master`` to ``dst``, stamped DRAFT if asked, unless ``dst`` is that already.

        The gate is recomputed for every form of a policy accepted, so a policy, its plan
        and its response in one batch would otherwise copy and stamp the same PDF three times.
        """
        source = (master, _identity(master), draft)
        if self._written.get(dst) == (*source, _identity(dst)):
            return
        if draft:
            stamp_draft(master, dest=dst)  # read once, written once
        else:
            atomic.copy(master, dst)
        self._written[dst] = (*source, _identity(dst))

    def document_path(self, ref: str, version: str, file_name: str) -> Path:
        """``outbox/<ref>/<version>/<file_name>``, refused if it would leave the outbox."""
        return safe_path(self.workspace.outbox, ref, version, file_name)

    def master_path(self, ref: str, version: str, name: str) -> Path:
        """Where the unstamped PDF is kept; the converter makes the folder when it writes it."""
        return safe_path(self.workspace.state, "masters", ref, version, f"{name}.pdf")

    def gate_updates(self, journal: Journal, ref: str) -> dict[str, Any]:
        """Recompute ``ref``'s gate, write its outbox PDFs (DRAFT or clean) and publish;
        the register values that follow from it."""
        row = journal.policy(ref) or {}
        missing = missing_for_publication(row, self.framework)
        status = status_for(row, missing)
        documents: dict[str, dict[str, Any]] = dict(row.get("documents") or {})
        for kind, doc in documents.items():
            master, pdf = Path(doc["master"]), Path(doc["pdf"])
            if not master.exists():
                continue
            # Paths kept in the journal are checked again: it may predate these checks.
            master = within(self.workspace.state, master)
            pdf = within(self.workspace.outbox, pdf)
            draft = kind == "policy" and bool(missing)
            self._write(master, pdf, draft=draft)
            page = self._page(doc, draft=draft)
            # a comparison is published with the policy it describes, never before it
            if (kind in PUBLISHED_KINDS and not draft) or (kind == CHANGES and not missing):
                published = safe_path(self.workspace.publish_dir, self.public_name(ref, doc, kind))
                self._write(master, published, draft=False)
                doc["published"] = str(published)
                doc.pop("live", None)  # this version is what publish/ holds now
                self._retire(doc, published)
                if page is not None:
                    public_page = published.with_suffix(".html")
                    self._write(page, public_page, draft=False)
                    doc["published_html"] = str(public_page)
        values: dict[str, Any] = {
            "status": status,
            "missing": "; ".join(missing),
            "documents": documents,
        }
        policy_doc = documents.get("policy") or next(iter(documents.values()), None)
        if policy_doc:
            values["pdf"] = self._relative(Path(policy_doc["pdf"]))
            values["docx"] = self._relative(Path(policy_doc["docx"]))
        if documents.get("changes"):
            values["changes"] = self._relative(Path(documents["changes"]["pdf"]))
        if not row.get("implementation_plan"):
            values["implementation_plan"] = "No"
        if row.get("policy_received"):
            values["consultation"] = self._consultation_text(row)
        return values

    def _page(self, doc: dict[str, Any], *, draft: bool) -> Path | None:
        """Copy the document's web page (its DRAFT master while a draft) beside its PDF;
        the clean master, to publish, or None when the document has no page."""
        if not doc.get("html_master"):
            return None
        clean = within(self.workspace.state, Path(doc["html_master"]))
        shown = within(self.workspace.state, Path(doc["html_draft_master"])) if draft else clean
        if not shown.exists():
            return None
        self._write(shown, within(self.workspace.outbox, Path(doc["html"])), draft=False)
        return clean

    def _retire(self, doc: dict[str, Any], published: Path) -> None:
        """Take the superseded version's files out of publish/ when the new one has another
        name (a renamed policy); nothing is lost: it stays in its version's folder."""
        old = doc.get("replaces_file")
        if not old or Path(old) == published:
            return
        old_pdf = within(self.workspace.publish_dir, Path(old))
        for old_path in (old_pdf, old_pdf.with_suffix(".html")):  # and its web page
            if old_path.exists():
                old_path.unlink()
                atomic.sync_dir(old_path.parent)

    def public_name(self, ref: str, doc: dict[str, Any], kind: str) -> str:
        title = str(doc.get("policy_title") or str(doc.get("title", "")).split(": ", 1)[-1])
        base = f"{ref.lower()}-{slug(title)}"
        return f"{base}.pdf" if kind == "policy" else f"{base}-{kind.replace('_', '-')}.pdf"

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.workspace.register.parent))
        except ValueError:
            return str(path)

    @staticmethod
    def _consultation_text(row: dict[str, Any]) -> str:
        if not row.get("consultation_required"):
            return "Not required"
        if row.get("consultation_response"):
            return f"Required: {row.get('consultation_dates', '')}; response published"
        return "Required: response not yet received"

    def write_manifest(self, journal: Journal) -> None:
        """Rewrite publish/manifest.csv from the journal: once per batch, not per file."""
        rows: list[dict[str, str]] = []
        listed: list[Listed] = []
        for policy in journal.policies():
            ref = str(policy.get("ref", ""))
            documents = policy.get("documents") or {}
            for kind, entry in sorted(documents.items()):
                doc = live(entry)
                if doc is None:
                    continue
                files = [Path(doc["published"])]
                if doc.get("published_html"):
                    files.append(Path(doc["published_html"]))
                    if kind != CHANGES:  # listed on its policy's entry
                        changes = live(documents.get(CHANGES)) if kind == "policy" else None
                        listed.append(self._listed(policy, doc, files[0], files[1], changes))
                label = (
                    f"Changes since version {doc.get('since', '')}"
                    if kind == CHANGES
                    else self.framework.form(kind).label
                )
                rows.extend(
                    {
                        "file": path.name,
                        "title": str(doc.get("title", "")),
                        "ref": ref,
                        "version": str(doc.get("version", "")),
                        "date": str(doc.get("date", "")),
                        "what changed": str(doc.get("change", "")),
                        "document": label,
                        "replaces": _replaced(doc),
                    }
                    for path in files
                )
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=MANIFEST_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["ref"], r["file"])))
        atomic.write_text(safe_path(self.workspace.publish_dir, "manifest.csv"), buffer.getvalue())
        index = render_index(
            listed, council=self.framework.council, contact=self.workspace.publish_contact
        )
        atomic.write_text(safe_path(self.workspace.publish_dir, "index.html"), index)

    @staticmethod
    def _listed(
        policy: dict[str, Any],
        doc: dict[str, Any],
        pdf: Path,
        page: Path,
        changes: dict[str, Any] | None = None,
    ) -> Listed:
        compared: dict[str, Any] = {}
        if (
            changes
            and changes.get("published")
            and changes.get("published_html")
            and str(changes.get("version")) == str(doc.get("version"))
        ):
            compared = {
                "changes_since": str(changes.get("since", "")),
                "changes_html": Path(changes["published_html"]).name,
                "changes_pdf": Path(changes["published"]).name,
                "changes_bytes": _size(Path(changes["published"])),
            }
        when = str(doc.get("date", ""))
        with contextlib.suppress(ValueError):
            when = format_date(date.fromisoformat(when))
        return Listed(
            title=str(doc.get("title", "")),
            ref=str(policy.get("ref", "")),
            version=str(doc.get("version", "")),
            date=when,
            next_review=str(policy.get("next_review_text") or ""),
            html_name=page.name,
            pdf_name=pdf.name,
            pdf_bytes=_size(pdf),
            **compared,
        )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
