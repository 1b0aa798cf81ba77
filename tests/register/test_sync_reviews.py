"""The register's review dates: what is due, dates stored as text, rows found by reference,
financial quarters and review states.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pipeline.dates import financial_quarter, quarter_label
from pipeline.journal.store import Journal
from pipeline.register.cells import PolicyRows
from pipeline.register.layout import next_quarters, review_state
from pipeline.register.workbook import due, sync
from tests.helpers.register import TODAY
from tests.helpers.register_journal import _policy, _rows, _sheet


def test_due_lists_overdue_first_then_by_date(journal: Journal) -> None:
    late = _policy(journal, next_review=TODAY - timedelta(days=5))
    soon = _policy(journal, next_review=TODAY + timedelta(days=20))
    later = _policy(journal, next_review=TODAY + timedelta(days=10))
    _policy(journal, next_review=TODAY + timedelta(days=200))
    _policy(journal, next_review=None)
    found = due(journal, 30, TODAY)
    assert [p["ref"] for p in found] == [late, later, soon]
    assert found[0]["review_state"] == "overdue"


def test_a_review_date_stored_as_text_is_read_alike_everywhere(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    ref = _policy(journal, next_review="01/10/2024")  # text, as a manager's import might leave
    sync(journal, path, today=TODAY)
    assert _rows(_sheet(path))[ref]["Review state"] == "overdue"
    dash = _sheet(path, "Dashboard")
    cells = {c.value: c for row in dash.iter_rows() for c in row if c.value is not None}
    assert dash.cell(cells["Overdue now"].row, 2).value == 1
    assert dash.cell(cells["No review date"].row, 2).value == 0
    assert [p["ref"] for p in due(journal, 30, TODAY)] == [ref]


def test_policies_find_their_rows_by_reference_and_new_ones_go_at_the_bottom() -> None:
    placing = PolicyRows()  # as both writers use it
    placing.seen(1, "ASC-POL-003")  # the header row is never a policy's
    placing.seen(2, " asc-pol-001 ")  # typed by a manager
    placing.seen(3)
    placing.seen(4, "ASC-POL-001")  # a policy may have two rows; both are written
    assert placing.rows({"ref": "ASC-POL-001"}) == [2, 4]
    assert placing.rows({"ref": "ASC-POL-002"}) == [5]
    assert placing.rows({"ref": "ASC-POL-003"}) == [6]
    assert (placing.updated, placing.added, placing.last) == (1, 2, 6)


def test_financial_quarters_and_review_states() -> None:
    assert financial_quarter(date(2026, 11, 23)) == (3, 2026)
    assert financial_quarter(date(2027, 1, 1)) == (4, 2026)
    assert financial_quarter(date(2026, 4, 1)) == (1, 2026)
    assert quarter_label(date(2026, 11, 23)) == "Q3 2026/27"
    assert quarter_label(date(2099, 4, 1)) == "Q1 2099/00"
    assert next_quarters(date(2026, 12, 31), 3) == ["Q3 2026/27", "Q4 2026/27", "Q1 2027/28"]
    assert next_quarters(date(2027, 3, 31))[-1] == "Q3 2028/29"  # two years on
    assert review_state(None, TODAY) == ""
    assert review_state(TODAY, TODAY) == "due within 90 days"
    assert review_state(TODAY + timedelta(days=91), TODAY) == "in date"
