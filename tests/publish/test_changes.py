"""A new version's comparison, end to end: the sample policy dropped as version 2, then a
version 3 with three paragraphs reworded, one added and one removed (and everything after
them renumbered by hand), through the real pipeline, LibreOffice, pypdf and openpyxl."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import lxml.html
import openpyxl
import page
import pytest
from docx import Document
from lxml import etree
from pypdf import PdfReader

from pipeline.journal.store import Journal
from pipeline.journal.versions import versions_of
from pipeline.outcome import BatchResult
from pipeline.publish.changes import previous, published_version
from pipeline.run import run_batch
from pipeline.workspace import Workspace
from tests.helpers.filled import with_values
from tests.helpers.versions import Edits, policy_version, published_then_changed

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ADDED = "We will tell you in writing how your personal budget was worked out."
REMOVED_START = "We also have a Financial Top-Up policy"
EDITS = Edits(
    reword={
        "5.2": ("not entitled", "not eligible"),
        "6.1": ("for the first time", "for the first time in England"),
        "8.8": ("every year", "every six months"),
    },
    add_after={"8.5": ADDED},
    remove=frozenset({"8.11"}),
    what_changed="",  # so the change history says what the comparison found
)
SUMMARY = (
    "Changes in version 3 since version 2: sections changed: 3; paragraphs added: 1, "
    "removed: 1, changed: 3, moved: 0."
)

LIBREOFFICE = pytest.mark.requires_libreoffice


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, BatchResult]:
    return published_then_changed(tmp_path_factory.mktemp("changes"), EDITS)


def _tracked(path: Path) -> tuple[list[str], list[str]]:
    """The text of every tracked insertion and deletion, in document order."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    inserted = ["".join(e.itertext()) for e in root.iter(f"{W}ins") if e.find(f"{W}r") is not None]
    deleted = [
        "".join(t.text or "" for t in e.iter(f"{W}delText"))
        for e in root.iter(f"{W}del")
        if e.find(f"{W}r") is not None
    ]
    return inserted, deleted


def _folder(ws: Workspace, result: BatchResult) -> Path:
    return ws.outbox / result.accepted[0].policy_ref / "3"


@LIBREOFFICE
def test_version_3_is_published_in_place_of_version_2(
    versions: tuple[Workspace, BatchResult],
) -> None:
    ws, result = versions
    assert result.accepted[0].status == "published"
    name = "asc-pol-001-personal-budgets-policy.pdf"
    rows = (ws.publish_dir / "manifest.csv").read_text(encoding="utf-8").splitlines()
    policy = next(r for r in rows if r.startswith(name))
    assert policy.split(",")[3] == "3"
    assert policy.endswith(f",version 2 ({name})")
    assert {p.name for p in ws.publish_dir.iterdir()} == {
        name,
        "asc-pol-001-personal-budgets-policy.html",
        "asc-pol-001-personal-budgets-policy-consultation-response.pdf",
        "asc-pol-001-personal-budgets-policy-consultation-response.html",
        "asc-pol-001-personal-budgets-policy-changes.pdf",  # what changed, published with it
        "asc-pol-001-personal-budgets-policy-changes.html",
        "manifest.csv",
        "index.html",
    }
    assert (ws.outbox / "ASC-POL-001" / "2" / "policy.pdf").is_file()  # nothing deleted


@LIBREOFFICE
def test_tracked_changes_are_exactly_the_edits(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    inserted, deleted = _tracked(_folder(ws, result) / "changes-since-2.docx")
    assert [t.strip() for t in inserted] == ["eligible", "in England", ADDED, "six months"]
    assert [t.strip() for t in deleted[:3]] == ["entitled", "year", deleted[2].strip()]
    assert len(deleted) == 3 and deleted[2].startswith(REMOVED_START)


@LIBREOFFICE
def test_every_change_is_authored_and_dated(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    with zipfile.ZipFile(_folder(ws, result) / "changes-since-2.docx") as package:
        root = etree.fromstring(package.read("word/document.xml"))
    marks = [*root.iter(f"{W}ins"), *root.iter(f"{W}del")]
    assert len(marks) == 9  # 7 stretches, and the added and removed paragraphs' marks
    assert {m.get(f"{W}author") for m in marks} == {"Policy pipeline"}
    assert all(m.get(f"{W}date", "").endswith("Z") for m in marks)
    assert len({m.get(f"{W}id") for m in marks}) == len(marks)


@LIBREOFFICE
def test_the_pdf_is_tagged_and_says_what_changed(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    reader = PdfReader(_folder(ws, result) / "changes-since-2.pdf")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for expected in (
        "Sections changed: 3",
        "Paragraphs added: 1",
        "Paragraphs removed: 1",
        "Paragraphs changed: 3",
        "[deleted: entitled] [inserted: eligible]",
        "[inserted: six months]",
        f"[paragraph added] [inserted: {ADDED}]",
        f"[paragraph removed] [deleted: {REMOVED_START}",
    ):
        assert expected in text


@LIBREOFFICE
def test_the_comparison_web_page_is_beside_its_pdf_and_published_with_the_policy(
    versions: tuple[Workspace, BatchResult],
) -> None:
    ws, result = versions
    page = _folder(ws, result) / "changes-since-2.html"
    doc = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
    assert [i.text_content() for i in doc.iter("ins")][:2] == [
        "[inserted: eligible]",
        "[inserted: in England]",
    ]
    assert [d.text_content() for d in doc.iter("del")][:2] == [
        "[deleted: entitled]",
        "[deleted: year]",
    ]
    name = "asc-pol-001-personal-budgets-policy-changes"
    assert (ws.publish_dir / f"{name}.html").read_bytes() == page.read_bytes()
    assert (ws.publish_dir / f"{name}.pdf").read_bytes() == page.with_suffix(".pdf").read_bytes()
    with open(ws.publish_dir / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = {r["file"]: r for r in csv.DictReader(fh)}
    for ending in ("html", "pdf"):
        row = rows[f"{name}.{ending}"]
        assert (row["version"], row["document"]) == ("3", "Changes since version 2")
        assert row["what changed"] == SUMMARY
    index = lxml.html.document_fromstring(
        (ws.publish_dir / "index.html").read_text(encoding="utf-8")
    )
    (policy,) = [
        r for r in index.xpath("//tbody/tr") if r.findtext("th") == "Personal Budgets Policy"
    ]
    links = {a.get("href"): " ".join(a.text_content().split()) for a in policy.iter("a")}
    assert links[f"{name}.html"] == ("Changes since version 2 of Personal Budgets Policy: web page")
    assert links[f"{name}.pdf"].startswith(
        "Changes since version 2 of Personal Budgets Policy: PDF, "
    )
    assert len(index.xpath("//tbody/tr")) == 2  # the comparison is on its policy's entry


@LIBREOFFICE
def test_a_drafts_comparison_waits_beside_it_and_the_published_one_stays(
    tmp_path: Path,
) -> None:
    ws, _ = published_then_changed(tmp_path, Edits(reword={"8.8": ("every year", "monthly")}))
    name = "asc-pol-001-personal-budgets-policy-changes"
    before = {p.name: p.read_bytes() for p in ws.publish_dir.glob(f"{name}.*")}
    form = tmp_path / "v4.docx"
    edits = Edits(reword={"6.1": ("for the first time", "for the first time ever")})
    form.write_bytes(with_values(policy_version("4", edits), {"Sign-off level": ""}))
    result = run_batch(ws, [form])
    assert result.accepted[0].status == "awaiting sign-off"
    draft = ws.outbox / "ASC-POL-001" / "4" / "changes-since-3.html"
    assert "[inserted: ever]" in draft.read_text(encoding="utf-8")  # beside its DRAFT
    after = {p.name: p.read_bytes() for p in ws.publish_dir.glob(f"{name}.*")}
    assert len(before) == 2 and after == before  # what the public sees: 2 to 3, as it was
    # and what the web team is told is there: version 3 and its comparison, still listed
    with (ws.publish_dir / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        listed = {r["file"]: r["version"] for r in csv.DictReader(fh)}
    assert {f: listed.get(f) for f in before} == dict.fromkeys(before, "3")
    assert listed["asc-pol-001-personal-budgets-policy.pdf"] == "3"
    index = (ws.publish_dir / "index.html").read_text(encoding="utf-8")
    assert (
        f'href="{name}.html"' in index and 'href="asc-pol-001-personal-budgets-policy.pdf"' in index
    )


@LIBREOFFICE
def test_the_comparison_pdf_passes_pdf_ua_1(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    report = page.validate_pdf(_folder(ws, result) / "changes-since-2.pdf", profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


@LIBREOFFICE
def test_the_register_links_the_comparison(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    sheet = openpyxl.load_workbook(ws.register).worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == result.accepted[0].policy_ref)
    cell = row[headers.index("Changes since last version")]
    assert cell.hyperlink is not None
    assert cell.hyperlink.target.endswith("3/changes-since-2.pdf")


@LIBREOFFICE
def test_each_version_record_is_kept(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    with Journal(ws.journal_path) as journal:
        assert [v for v, _ in versions_of(journal, result.accepted[0].policy_ref)] == ["2", "3"]


@LIBREOFFICE
def test_without_what_has_changed_the_history_says_what_the_comparison_found(
    versions: tuple[Workspace, BatchResult],
) -> None:
    ws, result = versions
    with Journal(ws.journal_path) as journal:
        history = (journal.policy(result.accepted[0].policy_ref) or {})["history"]
    assert [h[0] for h in history] == ["2", "3"]
    assert history[0][2].startswith("Reviewed after public consultation")  # the officer's
    assert history[1][2] == SUMMARY
    policy = Document(str(_folder(ws, result) / "policy.docx"))
    cells = [c.text for t in policy.tables for r in t.rows for c in r.cells]
    assert SUMMARY in cells


KEPT = [("1", "{1}"), ("2", "{2}"), ("3", "{3}")]


@pytest.mark.parametrize(
    ("version", "published", "compared_with"),
    [
        ("4", "", "3"),  # a new version: the last accepted
        ("4", "2", "2"),  # the published one, when 3 was never published
        ("3", "", "2"),  # version 3 again: the one before it
        ("2", "3", "1"),  # published later than this version: not "before" it
        ("1", "", None),  # the first version: nothing to compare with
    ],
)
def test_which_version_a_new_one_is_compared_with(
    version: str, published: str, compared_with: str | None
) -> None:
    found = previous(KEPT, version, published)
    assert (found[0] if found else None) == compared_with


def test_the_published_version_survives_a_draft_in_between() -> None:
    assert published_version({"version": "2", "published": "p.pdf"}) == "2"
    assert published_version({"version": "3", "replaces_version": "2"}) == "2"
    assert published_version({"version": "3"}) == published_version(None) == ""


@LIBREOFFICE
def test_the_register_says_version_2_is_superseded(versions: tuple[Workspace, BatchResult]) -> None:
    ws, result = versions
    sheet = openpyxl.load_workbook(ws.register).worksheets[0]
    column = [c.value for c in sheet[1]].index("Version")
    cell = {r[0].value: r[column] for r in sheet.iter_rows(min_row=2)}[
        result.accepted[0].policy_ref
    ]
    assert cell.value == 3 and cell.comment is not None
    assert cell.comment.text.startswith("Replaces version 2, now superseded")
