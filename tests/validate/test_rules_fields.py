"""Validation: the framework's own details and each field's own checks (required fields and
sections, dates, versions, references, choices, numbers), on records built directly.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.framework import Framework
from pipeline.records import FieldValue, FormRecord
from pipeline.validate.rules import (
    Context,
    Problem,
    has_errors,
    interpret,
    validate,
)
from tests.helpers.rule_records import DATE_FIX, DEVON_DETAILS, check, consultation, policy, section

# -- the framework's own details -----------------------------------------------------------


def test_devon_framework_own_details_validate(devon: Framework) -> None:
    assert check(policy(), devon) == []


def test_overdue_review_is_a_warning_that_does_not_block(devon: Framework) -> None:
    problems = validate(policy(), devon, Context(date(2026, 11, 23)))
    assert problems == [
        Problem(
            "Next review date",
            '"Next review date" is October 2024, which has already passed: the review is overdue.',
            'Arrange the review now. If the policy has been reviewed, update "Last review date" '
            'and "Next review date".',
            "table 1, row 10",
            "warning",
        )
    ]
    assert not has_errors(problems)


# -- fields --------------------------------------------------------------------------------


def test_required_field_missing_names_label_and_quotes_help(devon: Framework) -> None:
    assert check(policy(drop=("business_owner",)), devon) == [
        Problem(
            "Business owner",
            '"Business owner" is not filled in.',
            'Fill in "Business owner": The named person who owns putting the policy into '
            'practice (4.6.1): "Name, Job title".',
        )
    ]


def test_required_field_blank_keeps_its_location(devon: Framework) -> None:
    [found] = check(policy(author="   "), devon)
    assert (found.field, found.message, found.location) == (
        "Author",
        '"Author" is not filled in.',
        "table 1, row 6",
    )


def test_optional_field_may_be_blank(devon: Framework) -> None:
    assert check(policy(drop=("approval_date", "last_reviewer")), devon) == []


def test_required_section_missing(devon: Framework) -> None:
    record = policy()
    record.sections = [s for s in record.sections if s.key != "why"]
    assert check(record, devon) == [
        Problem(
            "Why we have this policy",
            'The section "Why we have this policy" is missing.',
            'Add a heading "Why we have this policy" with its text under it. Why the policy '
            "exists: the law, the need, the change.",
        )
    ]


def test_required_section_empty_points_at_its_heading(devon: Framework) -> None:
    record = policy()
    record.sections[3] = section("policy", "8. The Policy", text="")
    assert check(record, devon) == [
        Problem(
            "The Policy",
            'The section "The Policy" has a heading but nothing under it.',
            "Write the section under its heading. The policy itself, in numbered paragraphs, "
            "with sub-headings where they help.",
            "heading '8. The Policy'",
        )
    ]


def test_unreadable_date(devon: Framework) -> None:
    assert check(policy(approval_date="Spring 2016"), devon) == [
        Problem(
            "Date of approval and commencement",
            '"Spring 2016" is not a date we can read.',
            DATE_FIX,
            "table 1, row 7",
        )
    ]


def test_impossible_date_is_unreadable(devon: Framework) -> None:
    [found] = check(policy(approval_date="31/02/2016"), devon)
    assert found.message == '"31/02/2016" is not a date we can read.'


def test_unreadable_version(devon: Framework) -> None:
    assert check(policy(version="1.4 draft"), devon) == [
        Problem(
            "Version",
            '"1.4 draft" is not a version number.',
            "Write the version as numbers with dots between them, for example 1, 1.4 or 2.0.1.",
            "table 1, row 2",
        )
    ]


REFERENCE_FIX = "References look like ASC-POL-014; leave it blank for a new policy."


@pytest.mark.parametrize("written", ["../../../outside-the-workspace", "ASC-POL-014/..", "14"])
def test_a_reference_that_does_not_fit_is_turned_back(devon: Framework, written: str) -> None:
    assert check(policy(policy_ref=written), devon) == [
        Problem(
            "Policy reference",
            f'"{written}" is not a reference.',
            REFERENCE_FIX,
            f"table 1, row {len(DEVON_DETAILS) + 1}",
        )
    ]


@pytest.mark.parametrize("form", ["implementation_plan", "consultation_response"])
def test_every_form_with_a_reference_checks_it(devon: Framework, form: str) -> None:
    record = FormRecord(form, Path("f.docx"), fields={"policy_ref": FieldValue("../x", "")})
    found = [p for p in check(record, devon) if p.field == "Policy reference"]
    assert [(p.message, p.fix) for p in found] == [('"../x" is not a reference.', REFERENCE_FIX)]


def test_a_reference_in_small_letters_is_read_in_capitals(devon: Framework) -> None:
    record = policy(policy_ref=" asc-pol-014 ")
    assert check(record, devon) == []
    assert interpret(record, devon).reference == "ASC-POL-014"


@pytest.mark.parametrize("written", ["../2", "1/../../x"])
def test_a_version_that_names_a_path_is_turned_back(devon: Framework, written: str) -> None:
    found = check(policy(version=written), devon)
    assert [(p.field, p.message) for p in found] == [
        ("Version", f'"{written}" is not a version number.')
    ]


def test_choice_not_recognised_lists_the_choices(devon: Framework) -> None:
    assert check(policy(change_type="Tweak"), devon) == [
        Problem(
            "Change type",
            '"Tweak" is not one of the choices for "Change type".',
            "Write one of: New policy, Major change, Minor change or Removal of policy.",
            "table 1, row 3",
        )
    ]


def test_plain_choice_not_recognised(devon: Framework) -> None:
    [found] = check(policy(impact_assessment="Done"), devon)
    assert found.fix == "Write one of: Completed, In progress or Not required."


def test_yes_no_not_recognised(devon: Framework) -> None:
    [found] = check(policy(consultation_required="Maybe"), devon)
    assert (found.field, found.message, found.fix) == (
        "Public consultation required",
        '"Maybe" is not Yes or No.',
        "Write Yes or No.",
    )


def test_number_accepts_figures_and_rejects_words(devon: Framework) -> None:
    assert check(consultation(responses_received="1,204"), devon) == []
    [found] = check(consultation(responses_received="about forty"), devon)
    assert (found.field, found.message, found.fix) == (
        "Number of responses",
        '"about forty" is not a number.',
        "Write the number in figures, for example 12.",
    )
