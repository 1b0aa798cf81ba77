"""A sync writes only what changed: the rows of policies changed since the last sync, when
register.xlsx is byte for byte what that sync wrote; anything else gets a full sync.

Each test checks the result against a full sync of the same file, read back part by part,
or with openpyxl.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from pipeline.journal.store import Journal
from pipeline.register.workbook import sync
from pipeline.register.xml.fast import patch, unchanged
from tests.helpers.packages import package_parts as parts
from tests.helpers.register import TODAY


def _policies(journal: Journal, count: int) -> None:
    for n in range(1, count + 1):
        journal.upsert_policy(
            f"ASC-POL-{n:03d}",
            {
                "title": f"Policy {n}",
                "version": 1,
                "status": "draft",
                "next_review": TODAY + timedelta(days=200 + n),
                "next_review_text": "Quarter 3 2027/28",  # words beside the date: a note
                "pdf": f"outbox/ASC-POL-{n:03d}/1/policy.pdf",
                "updated": datetime(2026, 11, 20, 14, 5),
            },
        )


def test_only_changed_rows_are_written_and_the_file_is_as_a_full_sync_makes_it(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    _policies(journal, 12)
    sync(journal, path, today=TODAY)  # created through openpyxl
    sync(journal, path, today=TODAY)  # the fast path, in full: its bytes are recorded
    journal.upsert_policy("ASC-POL-003", {"status": "published", "pdf": "outbox/new one.pdf"})
    journal.upsert_policy("ASC-POL-005", {"next_review": None, "next_review_text": None})
    journal.upsert_policy("ASC-POL-013", {"title": "Policy 13", "status": "draft"})
    # due tomorrow: unchanged in the journal, but overdue by the next sync's day
    journal.upsert_policy("ASC-POL-002", {"next_review": TODAY + timedelta(days=1)})
    sync(journal, path, today=TODAY)
    later = TODAY + timedelta(days=2)

    snap = journal.snapshot()
    assert snap.written is not None
    skipped = unchanged(snap, snap.written, later)
    assert skipped == {f"ASC-POL-{n:03d}" for n in range(1, 14)} - {"ASC-POL-002"}
    journal.upsert_policy("ASC-POL-007", {"status": "approved"})
    full = patch(path, journal.snapshot(), later)  # the same sync with every row written
    assert full is not None
    sync(journal, path, today=later)

    assert parts(path) == full.package.parts()
    ws = load_workbook(path)["Register"]
    states = {row[0].value: row[13].value for row in ws.iter_rows(min_row=2)}
    assert states["ASC-POL-002"] == "overdue" and states["ASC-POL-001"] == "in date"
    assert ws["D8"].value == "approved"  # ASC-POL-007


def test_a_register_saved_by_someone_else_is_synced_in_full(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    _policies(journal, 5)
    sync(journal, path, today=TODAY)
    sync(journal, path, today=TODAY)
    wb = load_workbook(path)
    wb["Register"]["B3"] = "typed over by a manager"  # a cell the pipeline owns
    wb.save(path)
    journal.upsert_policy("ASC-POL-004", {"status": "approved"})
    assert sync(journal, path, today=TODAY).written
    ws = load_workbook(path)["Register"]
    assert ws["B3"].value == "Policy 2"  # the pipeline's value is back: every row was written
    assert ws["D5"].value == "approved"


def test_a_register_moved_to_another_folder_gets_links_from_there(
    journal: Journal, tmp_path: Path
) -> None:
    first = tmp_path / "share" / "register.xlsx"
    first.parent.mkdir()
    _policies(journal, 3)
    journal.upsert_policy("ASC-POL-002", {"pdf": str(tmp_path / "outbox" / "p2.pdf")})
    sync(journal, first, today=TODAY)
    sync(journal, first, today=TODAY)
    moved = tmp_path / "register.xlsx"
    shutil.copy(first, moved)  # the same bytes, elsewhere
    journal.upsert_policy("ASC-POL-001", {"status": "approved"})
    sync(journal, moved, today=TODAY)
    link: Any = load_workbook(moved)["Register"]["S3"].hyperlink
    assert link.target == "outbox/p2.pdf"  # relative to the register's new folder


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "openpyxl"])
def test_the_version_cell_says_which_version_it_replaced(
    journal: Journal, tmp_path: Path, fast: bool
) -> None:
    path = tmp_path / "register.xlsx"
    _policies(journal, 2)
    sync(journal, path, today=TODAY)
    document = {"version": "3", "replaces_version": "2", "replaces_file": "publish/p.pdf"}
    journal.upsert_policy("ASC-POL-001", {"version": "3", "documents": {"policy": document}})
    sync(journal, path, today=TODAY, fast=fast)
    waiting = load_workbook(path)["Register"]["C2"].comment
    assert waiting is not None and waiting.author == "pipeline"
    assert waiting.text == "Version 2 stays published until this version is published."

    published = {**document, "published": "publish/p.pdf"}
    journal.upsert_policy("ASC-POL-001", {"documents": {"policy": published}})
    sync(journal, path, today=TODAY, fast=fast)
    ws = load_workbook(path)["Register"]
    note = ws["C2"].comment
    assert ws["C2"].value == 3 and note is not None
    assert note.text.startswith("Replaces version 2, now superseded") and "kept" in note.text
    assert ws["C3"].comment is None  # a first version replaces nothing
