"""Reading the other Excel forms and their repeating rows: the implementation plan, the
consultation response, the policy request.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.framework import Framework
from tests.helpers.paths import EXAMPLES
from tests.helpers.xlsx_reading import read, save, workbook


def test_implementation_plan(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook("Plan")
    ws.append(["IMPLEMENTATION PLAN FOR:", "Personal Budgets Policy"])
    ws.append(["DATE:", datetime(2025, 12, 8)])
    ws.append(["AUTHOR:", "James Martin"])
    ws.append(["Business owner: Sarah Mackereth"])
    ws.append([None, "Issues identified / Action to be taken", "Lead", "Time-Scale"])
    ws.append(
        [
            "1. Co-ordination of implementation\n• How will it be co-ordinated?",
            "Monthly group",
            "Sarah",
            "Monthly",
        ]
    )
    ws.append(["2. Engaging staff", "Briefings", "Managers", "January 2026"])
    ws.append([])
    ws.append(["9. Parking", "Extra spaces", "Facilities", "2026"])
    record = read(save(wb, tmp_path / "plan.xlsx"), framework)
    assert record.form_type == "implementation_plan"
    assert record.value("policy_title") == "Personal Budgets Policy"
    assert record.value("date") == "8 December 2025"
    assert record.value("business_owner") == "Sarah Mackereth"
    assert [r.cells for r in record.rows] == [
        {
            "area": "coordination",
            "action": "Monthly group",
            "lead": "Sarah",
            "timescale": "Monthly",
        },
        {
            "area": "engaging_staff",
            "action": "Briefings",
            "lead": "Managers",
            "timescale": "January 2026",
        },
        {"area": "9. Parking", "action": "Extra spaces", "lead": "Facilities", "timescale": "2026"},
    ]
    assert record.rows[1].location == "Sheet 'Plan', row 7 (Engaging staff)"
    assert [u.text for u in record.unplaced] == [
        "a row for an area the plan does not have: '9. Parking'"
    ]


def test_consultation_response(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook("Response")
    ws.append(["Policy consulted on", "Personal Budgets Policy"])
    ws.append(["Start date", datetime(2025, 9, 1)])
    ws.append(["End date", "30 November 2025"])
    ws.append(["Number of responses", 87])
    ws.append(["Summary", "We asked people.\nThey answered."])
    ws.append([])
    ws.append(["You said", "We said", "We did"])
    ws.append(["Explain the budget", "We agree", "8.5 rewritten"])
    record = read(save(wb, tmp_path / "cr.xlsx"), framework)
    assert record.form_type == "consultation_response"
    assert record.value("consultation_start") == "1 September 2025"
    assert record.value("responses_received") == "87"
    assert record.fields["summary"].text == "We asked people.\nThey answered."
    assert [r.cells for r in record.rows] == [
        {"said": "Explain the budget", "response": "We agree", "change": "8.5 rewritten"}
    ]
    assert record.rows[0].location == "Sheet 'Response', row 8"


def test_policy_request_example(framework: Framework) -> None:
    record = read(EXAMPLES / "carers-respite-policy-request.xlsx", framework)
    assert record.form_type == "policy_request"
    assert record.value("title") == "Carers Respite Policy"
    assert record.value("date") == "3 November 2025"
    # every field the sample was made with; "Contact email" came later and is optional
    fields = [f for f in framework.form("policy_request").fields if f.key != "contact_email"]
    assert all(record.value(f.key) for f in fields)
