"""A new version's comparison, end to end: the sample policy dropped as version 2, then a
version 3 with three paragraphs reworded, one added and one removed (and everything after
them renumbered by hand), through the real pipeline, LibreOffice, pypdf and openpyxl."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from lxml import etree
from pypdf import PdfReader

from pipeline.journal.store import Journal
from pipeline.journal.versions import versions_of
from pipeline.outcome import BatchResult
from pipeline.publish.changes import previous, published_version
from pipeline.run import run_batch
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.paths import EXAMPLES
from tests.helpers.versions import Edits, policy_version

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PUBLISHED_WITH = ("implementation-plan", "consultation-response")
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
def versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, BatchResult]]:
    root = tmp_path_factory.mktemp("changes")
    ws = init_workspace(root / "ws")
    results = []
    for version, edits in (("2", Edits()), ("3", EDITS)):
        form = root / f"personal-budgets-policy-v{version}.docx"
        form.write_bytes(policy_version(version, edits))
        # version 2 is published with its plan and response; version 3 replaces it
        others = [EXAMPLES / f"personal-budgets-{n}.docx" for n in PUBLISHED_WITH] * (
            version == "2"
        )
        results.append(run_batch(ws, [form, *others]))
    assert [len(r.accepted) for r in results] == [3, 1], [r.rejected for r in results]
    yield ws, results[1]


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
