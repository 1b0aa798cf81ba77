"""The whole path, end to end, with the real LibreOffice, pypdf and openpyxl.

One batch over the sample forms is run once for the module (conversion is the slow part);
each test then checks one promise against the real files it produced.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfWriter

from pipeline.errors import ConversionError
from pipeline.forms.read import read_form
from pipeline.outcome import BatchResult
from pipeline.pdf.finish import PdfMetadata, finalize_pdf, inspect_pdf
from pipeline.pdf.tables import table_tags
from pipeline.publish.outbox import Outbox
from pipeline.records import ListItem, Paragraph, SubHeading
from pipeline.run import Pipeline, run_batch
from pipeline.safety.check import check_file
from pipeline.workspace import Workspace, init_workspace, load_workspace
from tests.helpers.paths import EXAMPLES

SAMPLES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".docx", ".xlsx"))
A4 = (210.0, 297.0)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, BatchResult]]:
    ws = init_workspace(tmp_path_factory.mktemp("run") / "ws")
    for sample in SAMPLES:
        shutil.copy(sample, ws.inbox / sample.name)
    yield ws, run_batch(ws)


def _squash(text: str) -> str:
    """Whitespace and line-end hyphenation normalised away, for no-lost-words checks."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


# Page furniture LibreOffice repeats on every page: the running header, the footer, the stamp.
_FURNITURE = re.compile(r"^(.* – Version .*|.*Page \d+ of \d+|DRAFT)$", re.MULTILINE)


def _in_order(needles: list[str], haystack: str) -> list[str]:
    """The needles not found in order in the body text (empty when nothing is lost)."""
    text, at, lost = _squash(_FURNITURE.sub("", haystack)), 0, []
    for needle in needles:
        found = text.find(_squash(needle), at)
        if found < 0:
            lost.append(needle)
        else:
            at = found + len(_squash(needle))
    return lost


def _accepted(result: BatchResult, name: str) -> Any:
    return next(a for a in result.accepted if a.file == name)


def _register_rows(ws: Workspace) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    header = [c.value for c in sheet[1]]
    return [
        dict(zip(header, (c.value for c in row), strict=False))
        for row in sheet.iter_rows(min_row=2)
        if row[0].value
    ]


def test_every_sample_ends_accepted_or_rejected(batch: tuple[Workspace, BatchResult]) -> None:
    ws, result = batch
    assert {a.file for a in result.accepted} == {p.name for p in SAMPLES} - {
        "form-with-mistakes.docx"
    }
    assert [r.file for r in result.rejected] == ["form-with-mistakes.docx"]
    assert not list(ws.inbox.glob("*.docx")) and not list(ws.inbox.glob("*.xlsx"))
    assert not any(ws.work.iterdir())
    archived = {p.name for p in ws.processed.rglob("*") if p.is_file()}
    assert archived == {p.name for p in SAMPLES} - {"form-with-mistakes.docx"}


def test_policy_and_its_plan_and_response_share_one_reference(
    batch: tuple[Workspace, BatchResult],
) -> None:
    _, result = batch
    refs = {
        _accepted(result, name).policy_ref
        for name in (
            "personal-budgets-policy.docx",
            "personal-budgets-implementation-plan.docx",
            "personal-budgets-consultation-response.docx",
        )
    }
    assert len(refs) == 1 and re.fullmatch(r"ASC-POL-\d{3}", refs.pop())


@pytest.mark.parametrize("name", ["personal-budgets-policy.docx", "policy-framework.docx"])
def test_policy_pdf_holds_title_and_every_paragraph_in_order(
    batch: tuple[Workspace, BatchResult], name: str
) -> None:
    ws, result = batch
    accepted = _accepted(result, name)
    pdf = next(p for p in accepted.outputs if p.suffix == ".pdf")
    record = read_form(EXAMPLES / name, ws.framework(), check_file(EXAMPLES / name))
    titles = {s.key: s.title for s in ws.framework().form("policy").sections}
    words = [record.value("title")]
    for section in record.sections:
        words.append(
            titles[section.key]
        )  # the house style heads sections with the framework's titles
        for block in section.blocks:
            if isinstance(block, Paragraph | ListItem | SubHeading):
                words.append(block.text)
    assert len(words) > 10
    assert _in_order(words, inspect_pdf(pdf).text) == []


def test_plan_and_response_rows_reach_the_pdf(batch: tuple[Workspace, BatchResult]) -> None:
    ws, result = batch
    for name in (
        "personal-budgets-implementation-plan.docx",
        "personal-budgets-consultation-response.docx",
    ):
        pdf = next(p for p in _accepted(result, name).outputs if p.suffix == ".pdf")
        record = read_form(EXAMPLES / name, ws.framework(), "docx")
        cells = [
            v for row in record.rows for k, v in row.cells.items() if k != "area" and v.strip()
        ]
        assert cells
        text = inspect_pdf(pdf).text
        assert [c for c in cells if _squash(c) not in _squash(text)] == []


def test_pdfs_are_accessible_a4_and_titled(batch: tuple[Workspace, BatchResult]) -> None:
    _, result = batch
    pdfs = [p for a in result.accepted for p in a.outputs if p.suffix == ".pdf"]
    assert len(pdfs) == 5
    for pdf in pdfs:
        report = inspect_pdf(pdf)
        assert report.tagged and report.has_struct_tree, pdf
        assert report.lang == "en-GB", pdf
        assert report.display_doc_title and report.title, pdf
        assert report.fonts_embedded, pdf
        assert report.outline, pdf
        for width, height in report.page_size_mm:
            assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, pdf
        tables = table_tags(pdf)
        assert tables, pdf  # every document has at least its details table
        for rows in tables:
            if rows[0].startswith("TH/Column"):  # a data table: header row, then data
                assert all(tag == "TH/Column" for tag in rows[0].split()), pdf
            else:  # a details table: each label is the header of its row
                assert all(row == "TH/Row TD" for row in rows), (pdf, rows)


def test_published_policy_is_clean_and_draft_policy_is_stamped(
    batch: tuple[Workspace, BatchResult],
) -> None:
    ws, result = batch
    published = _accepted(result, "personal-budgets-policy.docx")
    draft = _accepted(result, "policy-framework.docx")
    published_pdf = next(p for p in published.outputs if p.suffix == ".pdf")
    draft_pdf = next(p for p in draft.outputs if p.suffix == ".pdf")
    assert "DRAFT" not in inspect_pdf(published_pdf).text
    draft_report = inspect_pdf(draft_pdf)
    assert draft_report.text.count("DRAFT") >= draft_report.pages
    publish = {p.name for p in ws.publish_dir.iterdir()}
    assert f"{published.policy_ref.lower()}-personal-budgets-policy.pdf" in publish
    assert not any(draft.policy_ref.lower() in name for name in publish)
    manifest = (ws.publish_dir / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "file,title,ref,version,date,what changed,document,replaces"
    assert any(
        "Personal Budgets Policy" in line and published.policy_ref in line for line in manifest[1:]
    )


def test_register_rows_hold_the_forms_values(batch: tuple[Workspace, BatchResult]) -> None:
    ws, result = batch
    rows = {row["Reference"]: row for row in _register_rows(ws)}
    budgets = rows[_accepted(result, "personal-budgets-policy.docx").policy_ref]
    assert budgets["Title"] == "Personal Budgets Policy"
    assert str(budgets["Version"]) == "3"
    assert budgets["Status"] == "published"
    assert budgets["Business owner"] == "Sarah Mackereth, Principal Social Worker"
    assert budgets["Implementation plan"].startswith("Yes")
    assert "response published" in budgets["Consultation"]
    framework_row = rows[_accepted(result, "policy-framework.docx").policy_ref]
    assert framework_row["Status"] == "approved"
    assert "implementation plan" in framework_row["Missing before publication"]
    assert framework_row["Review state"] == "overdue"


def test_mistaken_form_is_rejected_with_every_problem_named(
    batch: tuple[Workspace, BatchResult],
) -> None:
    ws, result = batch
    rejected = result.rejected[0]
    fields = [p.field for p in rejected.problems]
    assert fields == [
        "Business owner",
        "Date of approval and commencement",
        "Next review date",
        "Sign-off level",
        "Why we have this policy",
    ]
    assert rejected.moved_to is not None and rejected.report is not None
    assert rejected.moved_to.read_bytes() == (EXAMPLES / "form-with-mistakes.docx").read_bytes()
    report = rejected.report.read_text(encoding="utf-8")
    assert "5 problems" in report and all(f in report for f in fields)


def test_dropping_the_missing_plan_later_publishes_the_draft_policy(
    batch: tuple[Workspace, BatchResult], tmp_path: Path
) -> None:
    ws, result = batch
    draft = _accepted(result, "policy-framework.docx")
    # The sample plan, retitled for the framework policy (its title sits in a content control).
    dropped = ws.inbox / "framework-implementation-plan.docx"
    with (
        zipfile.ZipFile(EXAMPLES / "personal-budgets-implementation-plan.docx") as src,
        zipfile.ZipFile(dropped, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b">Personal Budgets Policy<", b">Integrated Adult Social Care Policy Framework<"
                )
            dst.writestr(item, data)
    later = run_batch(ws)
    assert [a.policy_ref for a in later.accepted] == [draft.policy_ref], later.to_json()
    draft_pdf = next(p for p in draft.outputs if p.suffix == ".pdf")
    assert "DRAFT" not in inspect_pdf(draft_pdf).text
    assert any(draft.policy_ref.lower() in p.name for p in ws.publish_dir.iterdir())
    row = {r["Reference"]: r for r in _register_rows(ws)}[draft.policy_ref]
    assert row["Status"] == "published" and not row["Missing before publication"]


def test_running_the_same_forms_again_duplicates_nothing(
    batch: tuple[Workspace, BatchResult],
) -> None:
    ws, result = batch
    before = _register_rows(ws)
    outputs = {p: p.stat().st_mtime_ns for a in result.accepted for p in a.outputs}
    for sample in SAMPLES:
        shutil.copy(sample, ws.inbox / sample.name)
    again = run_batch(ws)
    assert {a.status for a in again.accepted} == {"duplicate"}
    assert all("already processed" in a.note for a in again.accepted)
    assert [r["Reference"] for r in _register_rows(ws)] == [r["Reference"] for r in before]
    assert {p: p.stat().st_mtime_ns for p in outputs} == outputs
    assert len(again.rejected) == 1  # the mistaken form is still wrong, and says so again


def test_workspace_loads_from_a_subfolder(
    batch: tuple[Workspace, BatchResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, _ = batch
    monkeypatch.chdir(ws.outbox)
    assert load_workspace(None).root == ws.root


def test_only_rejected_forms_never_start_libreoffice(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    (ws.inbox / "notes.docx").write_bytes(b"not a zip at all")
    with Pipeline(ws) as pipeline:
        result = pipeline.run()
        assert [r.file for r in result.rejected] == ["notes.docx"]
        # LibreOffice is started in the background only once a form will need a PDF
        assert not pipeline.starter.started


def test_a_background_start_that_fails_fails_the_batch_not_the_close(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    config = ws.root / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^\[converter\]$", '[converter]\nsoffice = "/nowhere/soffice"', text)
    assert count == 1
    config.write_text(text, encoding="utf-8")
    ws = load_workspace(ws.root)
    shutil.copy(EXAMPLES / "personal-budgets-policy.docx", ws.inbox)
    with Pipeline(ws) as pipeline:
        with pytest.raises(ConversionError, match="LibreOffice"):
            pipeline.run()  # started in the background; its error handed on to the batch
        assert not pipeline.starter.started  # nothing half-started is left for close()
    # the form is kept for the next run, never lost
    kept = [p.name.rpartition("__")[2] for p in ws.work.iterdir()] + [
        p.name for p in ws.inbox.glob("*.docx")
    ]
    assert kept == ["personal-budgets-policy.docx"]


def test_the_gate_rewrites_an_outbox_pdf_only_when_it_would_change(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    fw = ws.framework()
    outputs = Outbox(ws, fw)
    master = outputs.master_path("ASC-POL-001", "1", "policy")
    master.parent.mkdir(parents=True)

    def new_master(pages: int) -> None:  # replaced, as the converter replaces it
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(595.3, 841.9)
        writer.write(master.with_suffix(".tmp"))
        master.with_suffix(".tmp").replace(master)
        finalize_pdf(master, PdfMetadata("Charging policy", "Policy", fw.council, "k"))

    pdf = ws.outbox / "ASC-POL-001" / "1" / "policy.pdf"
    doc = {"title": "Charging policy", "master": str(master), "pdf": str(pdf), "docx": ""}
    row: dict[str, Any] = {"policy_received": True, "documents": {"policy": doc}}

    class Journal:
        def policy(self, ref: str) -> dict[str, Any]:
            return row

    def gate() -> tuple[int, int]:
        outputs.gate_updates(Journal(), "ASC-POL-001")  # type: ignore[arg-type]
        return pdf.stat().st_ino, pdf.stat().st_mtime_ns

    new_master(1)
    first = gate()
    assert inspect_pdf(pdf).text.count("DRAFT") == 1
    row["plan_business_owner"] = "Sarah"  # the plan arrives; still no sign-off: still a draft
    assert gate() == first
    new_master(2)  # a new master is written out again
    second = gate()
    assert second != first and inspect_pdf(pdf).text.count("DRAFT") == 2
    pdf.unlink()  # so is an outbox file someone removed
    assert gate() != second and pdf.exists()
    level = max(fw.sign_off_levels, key=lambda lv: lv.rank)
    row.update(change_type_key=fw.change_types[0].key, sign_off_key=level.key)
    assert outputs.gate_updates(Journal(), "ASC-POL-001")["status"] == "published"  # type: ignore[arg-type]
    assert "DRAFT" not in inspect_pdf(pdf).text
    assert [p.name for p in ws.publish_dir.iterdir()] == ["asc-pol-001-charging-policy.pdf"]


@pytest.mark.requires_libreoffice
def test_a_policy_s_reading_measures_reach_the_register_history(sample_outbox: Path) -> None:
    book = openpyxl.load_workbook(sample_outbox.parent / "register.xlsx")
    details = [str(row[-1]) for row in book["History"].iter_rows(values_only=True)]
    measured = [d for d in details if "; reading: " in d]
    assert measured and all(
        re.search(r"reading: \d+\.\d words a sentence; longest \d+", d) for d in measured
    )
