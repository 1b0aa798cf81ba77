"""Records built directly for the validation rules' tests: the Devon framework's own policy
details, a consultation response, and ``check`` with a fixed today.

Shared by tests/validate/test_rules_*.py; it builds records only and checks nothing itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.framework import Framework
from pipeline.records import FieldValue, FormRecord, Paragraph, Row, Run, SectionContent
from pipeline.validate.rules import (
    Context,
    Problem,
    validate,
)

TODAY = date(2024, 1, 15)
DATE_FIX = (
    "Write the date in one of these ways: 01/10/2024, 1 October 2024, October 2024 or "
    "Quarter 3 2024/25."
)


def section(
    key: str, heading: str, text: str = "Some words.", location: str = ""
) -> SectionContent:
    blocks = (Paragraph((Run(text),)),) if text else ()
    return SectionContent(key, heading, blocks, location)


# The framework document's own "Policy Details" block (seed 000), as a policy form.
DEVON_DETAILS = {
    "title": "Integrated Adult Social Care Policy Framework",
    "version": "1.4",
    "change_type": "Minor change",
    "strategic_owner": "Tandra Forster, Director of Integrated Adult Social Care",
    "business_owner": "Damian Furniss, Senior Manager for Policy, Performance and Involvement",
    "author": "Mari Thynne, Senior Policy and Executive Support Officer",
    "approval_date": "January 2016",
    "last_review": "October 2022",
    "last_reviewer": "Mari Thynne, Senior Policy and Executive Support Officer",
    "next_review": "October 2024",
}


def policy(drop: tuple[str, ...] = (), **values: str) -> FormRecord:
    """The Devon framework's own details, with fields changed or dropped for a test."""
    fields = {k: v for k, v in DEVON_DETAILS.items() if k not in drop} | values
    return FormRecord(
        "policy",
        Path("policy.docx"),
        fields={
            k: FieldValue(v, f"table 1, row {i}") for i, (k, v) in enumerate(fields.items(), 1)
        },
        sections=[
            section("applies_to", "1. Purpose of this document"),
            section("why", "2. Why we have this policy framework"),
            section("achieve", "3. What this policy framework will achieve"),
            section("policy", "4. The Policy Development and Review Process"),
        ],
    )


def check(record: FormRecord, framework: Framework, **context: str) -> list[Problem]:
    return validate(record, framework, Context(TODAY, **context))


def consultation(rows: list[Row] | None = None, **values: str) -> FormRecord:
    fields = {
        "policy_title": "Personal Budgets Policy",
        "consultation_start": "1 March 2024",
        "consultation_end": "31 May 2024",
        "author": "Policy Team",
        "summary": "We asked people about personal budgets.",
    } | values
    if rows is None:
        rows = [Row({"said": "Too complicated", "response": "We simplified it"}, "table 1, row 2")]
    return FormRecord(
        "consultation_response",
        Path("response.docx"),
        fields={
            k: FieldValue(v, f"table 1, row {i}") for i, (k, v) in enumerate(fields.items(), 1)
        },
        rows=rows,
    )
