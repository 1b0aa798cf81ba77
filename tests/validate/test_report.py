"""The officer's rejection report and the generated guide to its messages."""

from __future__ import annotations

import string
from datetime import date, datetime
from pathlib import Path

from pipeline.framework_load import default_framework
from pipeline.records import FieldValue, FormRecord
from pipeline.validate.messages import MESSAGES
from pipeline.validate.report import messages_doc, problems_as_json, render_report
from pipeline.validate.rules import Context, Problem, validate
from tests.helpers.paths import DOCS

WHEN = datetime(2026, 11, 23, 10, 41)
DOC = DOCS / "messages.md"

CYCLE = Problem(
    "Next review date",
    "The next review must be within the review cycle of the last review. Reviews are due "
    'every 24 months, so after "Last review date" October 2022 the next review is due by '
    "31 October 2024; this form says November 2024.",
    'Change "Next review date" to 31 October 2024 or earlier.',
    "Sheet 'Details', cell B7",
)
OWNER = Problem(
    "Business owner",
    '"Business owner" is not filled in.',
    'Fill in "Business owner": The named person who owns putting the policy into practice '
    '(4.6.1): "Name, Job title".',
)
UNPLACED = Problem(
    "",
    'This heading was not recognised: "Glossary". Its text was kept under the previous section.',
    "Otherwise nothing needs doing.",
    "heading 'Glossary'",
    "warning",
)


def test_two_problem_report_exact_text() -> None:
    report = render_report("Personal Budgets Policy.docx", "Policy", [CYCLE, OWNER], when=WHEN)
    assert report == (
        'Report on "Personal Budgets Policy.docx"\n'
        "========================================\n"
        "\n"
        "Form: Policy\n"
        "Checked: 23 November 2026 at 10:41\n"
        "\n"
        "Your form was not processed because of 2 problems. Nothing has been lost: your\n"
        "file is in the rejected folder, unchanged.\n"
        "\n"
        "Please put these right\n"
        "----------------------\n"
        "\n"
        "1. Next review date\n"
        "   Where: Sheet 'Details', cell B7\n"
        "   What is wrong: The next review must be within the review cycle of the last\n"
        '     review. Reviews are due every 24 months, so after "Last review date"\n'
        "     October 2022 the next review is due by 31 October 2024; this form says\n"
        "     November 2024.\n"
        '   How to put it right: Change "Next review date" to 31 October 2024 or\n'
        "     earlier.\n"
        "\n"
        "2. Business owner\n"
        '   What is wrong: "Business owner" is not filled in.\n'
        '   How to put it right: Fill in "Business owner": The named person who owns\n'
        '     putting the policy into practice (4.6.1): "Name, Job title".\n'
        "\n"
        "What to do next\n"
        "---------------\n"
        "\n"
        "Correct the form and drop it in the inbox again.\n"
    )


def test_one_problem_is_singular_and_warnings_come_after_separately() -> None:
    report = render_report("p.docx", None, [UNPLACED, OWNER], when=WHEN)
    assert "because of 1 problem. Nothing" in report
    assert "Form:" not in report
    first, _, rest = report.partition("Also worth checking (these did not stop your form)")
    assert "Business owner" in first and "Glossary" not in first
    assert "1. The whole form\n   Where: heading 'Glossary'\n" in rest


def test_file_level_rejection_says_just_that() -> None:
    reason = "encrypted or password-protected: remove the password and save it again"
    report = render_report("Secret.docx", None, [OWNER], when=WHEN, reason=reason)
    assert report == (
        'Report on "Secret.docx"\n'
        "=======================\n"
        "\n"
        "Checked: 23 November 2026 at 10:41\n"
        "\n"
        "Your file was not processed. Nothing has been lost: your file is in the\n"
        "rejected folder, unchanged.\n"
        "\n"
        "The problem: Encrypted or password-protected: remove the password and save it\n"
        "again.\n"
        "\n"
        "What to do next\n"
        "---------------\n"
        "\n"
        "Put this right, then drop the file in the inbox again.\n"
    )


def test_warnings_only_report_says_the_form_went_through() -> None:
    report = render_report("p.docx", "Policy", [UNPLACED], when=WHEN)
    assert "Your form was processed. Please look at the points below." in report
    assert "not processed" not in report


def test_report_of_a_real_validation_lists_every_problem() -> None:
    framework = default_framework()
    record = FormRecord("policy", Path("p.docx"), fields={"version": FieldValue("one", "B3")})
    problems = validate(record, framework, Context(date(2024, 1, 1)))
    report = render_report("p.docx", "Policy", problems, when=WHEN)
    errors = [p for p in problems if p.severity == "error"]
    assert errors and len(errors) < len(problems)  # the DRAFT warnings are listed too
    assert f"because of {len(errors)} problems" in report
    assert all(f"{n}. " in report for n in range(1, len(errors) + 1))
    assert all(line == line.rstrip() and len(line) <= 80 for line in report.splitlines())


def test_problems_as_json() -> None:
    assert problems_as_json([UNPLACED]) == [
        {
            "field": "",
            "message": UNPLACED.message,
            "fix": "Otherwise nothing needs doing.",
            "location": "heading 'Glossary'",
            "severity": "warning",
        }
    ]


def test_docs_messages_md_is_generated_from_the_catalogue() -> None:
    assert DOC.read_text(encoding="utf-8") == messages_doc(default_framework()), (
        "docs/messages.md is out of date: run `python -m pipeline.validate.report > docs/messages.md`"
    )


def test_every_message_template_appears_in_the_doc() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for message in MESSAGES.values():
        assert f"### {message.title}\n" in doc
        for template in (message.message, message.fix):
            fixed = [text for text, *_ in string.Formatter().parse(template) if text.strip()]
            assert all(part in doc for part in fixed), template
