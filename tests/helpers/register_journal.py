"""A journal with policies in it, and the register's sheets and rows read back with openpyxl.

``_policy`` adds a policy and its event to the journal; ``_rows`` keys a sheet's rows by
reference and its cells by header, wherever a manager moved the column. Shared by
tests/register/test_sync_*.py; it writes the journal and reads the register, no tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.journal.store import Event, Journal
from tests.helpers.register import TODAY


def _policy(journal: Journal, **values: Any) -> str:
    ref = journal.next_reference("ASC-POL", 3)
    base: dict[str, Any] = {
        "title": f"Policy {ref}",
        "version": 1,
        "status": "draft",
        "business_owner": "Sarah Mackereth",
        "next_review": TODAY + timedelta(days=400),
        "updated": datetime(2026, 11, 20, 14, 5),
        "source": f"{ref}.docx",
    }
    journal.upsert_policy(ref, {**base, **values})
    journal.add_event(
        Event(
            datetime(2026, 11, 20, 9, 0),
            f"{ref}.docx",
            "Policy request",
            ref,
            "SM",
            "accepted",
            "new",
        )
    )
    return ref


def _sheet(path: Path, name: str = "Register") -> Worksheet:
    ws = load_workbook(path)[name]
    assert isinstance(ws, Worksheet)
    return ws


def _rows(ws: Worksheet) -> dict[str, dict[str, Any]]:
    """Register rows keyed by reference, cells keyed by header (wherever the column now is)."""
    headers = [str(c.value) for c in ws[1]]
    out: dict[str, dict[str, Any]] = {}
    for row in ws.iter_rows(min_row=2):
        values: dict[str, Any] = {h: c.value for h, c in zip(headers, row, strict=True)}
        ref = values.get("Reference")
        if isinstance(ref, str) and ref.startswith("ASC"):
            out[ref] = values
    return out
