"""Validation: the implementation plan's areas and rows, on records built directly."""

from __future__ import annotations

from pathlib import Path

from pipeline.framework import Framework
from pipeline.records import FieldValue, FormRecord, Row
from pipeline.validate.rules import (
    Problem,
)
from tests.helpers.rule_records import check

# -- the implementation plan --------------------------------------------------------------

AREAS = [
    "Co-ordination of implementation",
    "Engaging staff",
    "Involving service users and carers",
    "Communicating",
    "Resources",
    "Securing and sustaining change",
    "Evaluating",
    "Other considerations",
]


def plan(rows: list[dict[str, str]] | None = None) -> FormRecord:
    if rows is None:
        rows = full_rows()
    return FormRecord(
        "implementation_plan",
        Path("plan.docx"),
        fields={
            "policy_title": FieldValue("Personal Budgets Policy"),
            "date": FieldValue("1 February 2024"),
            "author": FieldValue("Mari Thynne, Senior Policy Officer"),
            "business_owner": FieldValue("Damian Furniss, Senior Manager"),
        },
        rows=[Row(cells, f"table 2, row {i}") for i, cells in enumerate(rows, 2)],
    )


def full_rows() -> list[dict[str, str]]:
    return [
        {"area": a, "action": "Do it", "lead": "Jo Bloggs", "timescale": "May 2024"} for a in AREAS
    ]


def test_complete_plan_validates(devon: Framework) -> None:
    assert check(plan(), devon) == []


def test_plan_area_missing(devon: Framework) -> None:
    rows = [r for r in full_rows() if r["area"] != "Resources"]
    assert check(plan(rows), devon) == [
        Problem(
            "Resources",
            'The plan has no row for the area "Resources".',
            'Add a row for "Resources". Every area of the plan needs an action, a lead and a '
            'time-scale, or "Not applicable" with a reason.',
        )
    ]


def test_plan_row_incomplete_names_area_in_location(devon: Framework) -> None:
    rows = full_rows()
    rows[1] |= {"lead": "", "timescale": " "}
    assert check(plan(rows), devon) == [
        Problem(
            "Lead",
            'The row for "Engaging staff" has nothing under "Lead" or "Time-scale".',
            'Fill in "Lead" or "Time-scale". Every area of the plan needs an action, a lead '
            'and a time-scale, or "Not applicable" with a reason.',
            "area 'Engaging staff', table 2, row 3",
        )
    ]


def test_not_applicable_alone_asks_for_the_reason(devon: Framework) -> None:
    rows = full_rows()
    rows[4] = {"area": "Resources", "action": "N/A", "lead": "", "timescale": ""}
    assert check(plan(rows), devon) == [
        Problem(
            "Issues identified / Action to be taken",
            'The row for "Resources" says "N/A" but not why.',
            'Add the reason after it, for example "Not applicable: the change only clarifies '
            'wording".',
            "area 'Resources', table 2, row 6",
        )
    ]


def test_not_applicable_with_reason_needs_no_lead(devon: Framework) -> None:
    rows = full_rows()
    rows[4] = {
        "area": "Resources",
        "action": "Not applicable - no cost",
        "lead": "",
        "timescale": "",
    }
    assert check(plan(rows), devon) == []


def test_area_cell_with_template_prompts_and_continuation_rows(devon: Framework) -> None:
    rows = full_rows()
    rows[0]["area"] = (
        "Co-ordination of implementation\nHow will the implementation plan be co-ordinated and by whom?"
    )
    rows.insert(2, {"area": "", "action": "Train the teams", "lead": "", "timescale": "June 2024"})
    [found] = check(plan(rows), devon)
    assert (found.message, found.location) == (
        'The row for "Engaging staff" has nothing under "Lead".',
        "area 'Engaging staff', table 2, row 4",
    )


def test_empty_plan_is_one_problem(devon: Framework) -> None:
    [found] = check(plan([]), devon)
    assert (found.field, found.message) == ("Area", "The plan has no areas filled in.")
    assert found.fix.startswith("Fill in a row for each area: Co-ordination of implementation, ")


def test_unknown_area_is_a_warning(devon: Framework) -> None:
    rows = [
        *full_rows(),
        {"area": "Training", "action": "Run courses", "lead": "HR", "timescale": "2024"},
    ]
    [found] = check(plan(rows), devon)
    assert (found.field, found.message, found.location, found.severity) == (
        "Area",
        'The row "Training" is not one of the plan\'s areas.',
        "table 2, row 10",
        "warning",
    )
