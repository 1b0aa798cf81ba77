"""Reading the other Word forms: the implementation plan, the consultation response, the
policy request.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.framework import Framework
from tests.helpers.docx_reading import read

from .conftest import Doc

# -- the other forms ------------------------------------------------------------------


def plan_docx(path: Path) -> Path:
    d = Doc()
    d.heading("Appendix 4: Implementation Plan", 1)
    d.table(
        [
            ["IMPLEMENTATION PLAN FOR:", "Personal Budgets Policy", "", ""],
            ["DATE:", "8 December 2025", "", ""],
            ["AUTHOR: James Martin, Senior Policy Officer", "", "", ""],
            ["Business owner", "Sarah Mackereth, Principal Social Worker", "", ""],
            ["", "Issues identified / Action to be taken", "Lead", "Time-Scale"],
            [
                [
                    "1. Co-ordination of implementation",
                    "How will the implementation plan be co-ordinated and by whom?",
                ],
                ["A monthly implementation group.", "Chaired by the Business Owner."],
                "Sarah Mackereth",
                "Monthly",
            ],
            [
                ["2. Engaging staff", "Who is affected?"],
                "Briefings for all teams",
                "Team Managers",
                "January 2026",
            ],
            [["5. Resources"], "Not applicable", "N/A", "N/A"],
        ]
    )
    return d.save(path)


def test_implementation_plan(tmp_path: Path, framework: Framework) -> None:
    record = read(plan_docx(tmp_path / "plan.docx"), framework)
    assert record.form_type == "implementation_plan"
    assert record.value("policy_title") == "Personal Budgets Policy"
    assert record.value("date") == "8 December 2025"
    assert record.value("author") == "James Martin, Senior Policy Officer"
    assert record.value("business_owner") == "Sarah Mackereth, Principal Social Worker"
    assert [r.cells for r in record.rows] == [
        {"area": "coordination", "action": "A monthly implementation group.\nChaired by the Business Owner.",
         "lead": "Sarah Mackereth", "timescale": "Monthly"},
        {"area": "engaging_staff", "action": "Briefings for all teams", "lead": "Team Managers",
         "timescale": "January 2026"},
        {"area": "resources", "action": "Not applicable", "lead": "N/A", "timescale": "N/A"},
    ]  # fmt: skip
    assert record.rows[1].location == "table 1, row 7 (Engaging staff)"


def test_consultation_response(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("Consultation response: Personal Budgets Policy", 0)
    d.table(
        [
            ["Policy consulted on", "Personal Budgets Policy"],
            ["Consultation opened", "1 September 2025"],
            ["Consultation end date", "30/11/2025"],
            ["Number of responses", "87"],
            ["Prepared by", "James Martin"],
        ]
    )
    d.heading("Summary", 1)
    d.para("We asked people what they thought.")
    d.para("We received 87 responses.")
    d.heading("What you told us and what we did", 1)
    d.table(
        [
            ["What you told us", "Our response", "What we changed"],
            ["Explain the budget", "We agree", "Paragraph 8.5 rewritten"],
            ["", "", ""],
            ["Easy Read please", "We will", "No change"],
        ]
    )
    record = read(d.save(tmp_path / "cr.docx"), framework)
    assert record.form_type == "consultation_response"
    assert record.value("consultation_start") == "1 September 2025"
    assert record.value("consultation_end") == "30/11/2025"
    assert record.value("author") == "James Martin"
    assert (
        record.fields["summary"].text
        == "We asked people what they thought.\nWe received 87 responses."
    )
    assert [r.cells for r in record.rows] == [
        {"said": "Explain the budget", "response": "We agree", "change": "Paragraph 8.5 rewritten"},
        {"said": "Easy Read please", "response": "We will", "change": "No change"},
    ]
    assert record.rows[1].location == "table 2, row 4"


def test_policy_request_questions_as_lines_and_as_table(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("One page policy overview for Head of Service", 1)
    d.para("Proposed policy: Carers Respite Policy")
    d.para("Why is the policy needed?", bold=True)
    d.para("Breaks are arranged differently in each locality.")
    d.para("Carers do not know what to ask for.")
    d.para("What will be the outcome of the policy and how will it be monitored?", bold=True)
    d.para("Carers know what breaks they can have.")
    d.table(
        [
            ["Level and place of sign off", "Head of Service at OSLT"],
            ["What are the resource implications?", "Policy Team time"],
        ]
    )
    record = read(d.save(tmp_path / "req.docx"), framework)
    assert record.form_type == "policy_request"
    assert record.value("title") == "Carers Respite Policy"
    assert record.fields["why_needed"].text == (
        "Breaks are arranged differently in each locality.\nCarers do not know what to ask for."
    )
    assert record.value("outcome") == "Carers know what breaks they can have."
    assert record.value("sign_off") == "Head of Service at OSLT"
    assert record.value("resources") == "Policy Team time"
