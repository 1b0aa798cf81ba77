"""Rendering the other forms into their templates, read back with python-docx (no mocks): the
implementation plan, the consultation response, the policy request.
"""

from __future__ import annotations

from pathlib import Path

import docx

from pipeline.assemble.render import Assembler
from pipeline.framework import Framework
from pipeline.records import (
    FieldValue,
    FormRecord,
    Row,
)
from tests.helpers.render_records import W, context, style


def test_implementation_plan_has_every_area_in_framework_order(
    assembler: Assembler, framework: Framework, tmp_path: Path
) -> None:
    areas = framework.form("implementation_plan").areas
    rows = [
        Row(
            {
                "area": a.key if i % 2 else f"{i}. {a.title}",
                "action": f"Do {a.key}.\nThen review.",
                "lead": "Sarah Mackereth",
                "timescale": "April 2025",
            }
        )
        for i, a in enumerate(areas, start=1)
    ]
    record = FormRecord(
        "implementation_plan",
        Path("plan.xlsx"),
        fields={
            "policy_title": FieldValue("Personal Budgets Policy"),
            "date": FieldValue("March 2025"),
            "author": FieldValue("James Martin"),
            "business_owner": FieldValue("Sarah Mackereth, Principal Social Worker"),
        },
        rows=list(reversed(rows)),  # order as written must not matter
    )
    out = tmp_path / "plan.docx"
    done = assembler.render(record, out, context=context())
    assert done.title == "Implementation plan: Personal Budgets Policy"
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "Implementation plan for: Personal Budgets Policy"
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Business owner"] == "Sarah Mackereth, Principal Social Worker"
    plan = doc.tables[-1]
    assert len(plan.rows) == 1 + len(areas) == 9
    for row, area in zip(plan.rows[1:], areas, strict=True):
        first = row.cells[0].paragraphs
        assert first[0].text == f"{areas.index(area) + 1}. {area.title}"
        assert style(first[0]) == "Area Title"
        assert [p.text for p in first if style(p) == "Table Bullet"] == list(area.prompts)
        assert row.cells[1].text == f"Do {area.key}.\nThen review."
        assert row.cells[2].text == "Sarah Mackereth"
        assert row.cells[3].text == "April 2025"
    assert plan.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_consultation_response(assembler: Assembler, tmp_path: Path) -> None:
    record = FormRecord(
        "consultation_response",
        Path("response.docx"),
        fields={
            "policy_title": FieldValue("Personal Budgets Policy"),
            "consultation_start": FieldValue("1 June 2024"),
            "consultation_end": FieldValue("31 August 2024"),
            "responses_received": FieldValue("142"),
            "author": FieldValue("Policy Team"),
            "summary": FieldValue("We asked about personal budgets.\nSix events were held."),
        },
        rows=[
            Row(
                {
                    "said": "Letters are hard to read.",
                    "response": "We agree.",
                    "change": "Rewrote them.",
                }
            ),
            Row({"said": "More choice.", "response": "We will look at it.", "change": ""}),
        ],
    )
    out = tmp_path / "response.docx"
    done = assembler.render(record, out, context=context())
    assert done.title == "Consultation response: Personal Budgets Policy"
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "What you told us, what we did"
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "What you told us",
        "Our response",
        "What we changed",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "Letters are hard to read.",
        "We agree.",
        "Rewrote them.",
    ]
    assert len(table.rows) == 3
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Number of responses"] == "142"


def test_policy_request_has_the_nine_questions(
    assembler: Assembler, framework: Framework, tmp_path: Path
) -> None:
    form = framework.form("policy_request")
    record = FormRecord(
        "policy_request",
        Path("request.docx"),
        fields={f.key: FieldValue(f"Answer: {f.key}") for f in form.fields},
    )
    out = tmp_path / "request.docx"
    assembler.render(record, out, context=context())
    paragraphs = docx.Document(str(out)).paragraphs
    questions = [p.text for p in paragraphs if style(p) == "Heading 1"]
    assert len(questions) == 9 and questions[0] == "Why is the policy needed?"
    texts = [p.text for p in paragraphs]
    for q in questions:
        key = next(f.key for f in form.fields if f.label == q)
        assert texts[texts.index(q) + 1] == f"Answer: {key}"
