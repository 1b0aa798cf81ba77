"""Validation: what the record means (interpretation) and the rules between fields (date
order, review cycle, sign-off level, version against the register, rows present).
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.dates import DateRange
from pipeline.framework import Framework
from pipeline.records import Row
from pipeline.validate.rules import (
    Context,
    Problem,
    has_errors,
    interpret,
    sign_off_ok,
    validate,
    version_key,
)
from tests.helpers.rule_records import TODAY, check, consultation, policy

# -- interpretation -----------------------------------------------------------------------


def test_interpret_gives_keys_labels_booleans_and_ranges(devon: Framework) -> None:
    values = interpret(
        policy(
            change_type="major",
            sign_off_level="OSLT",
            impact_assessment="not required",
            consultation_required="Y",
            version="v2.0",
        ),
        devon,
    )
    assert values.choices == {
        "change_type": "major",
        "sign_off_level": "head_of_service",
        "impact_assessment": "Not required",
    }
    assert values.yes_no == {"consultation_required": True}
    assert values.version == "2.0"
    assert values.dates["next_review"] == DateRange(date(2024, 10, 1), date(2024, 10, 31))
    assert set(values.dates) == {"approval_date", "last_review", "next_review"}


@pytest.mark.parametrize(
    ("text", "answer"),
    [("Yes", True), ("y", True), ("TRUE", True), ("No", False), ("n", False), ("false", False)],
)
def test_yes_no_spellings(devon: Framework, text: str, answer: bool) -> None:
    assert interpret(policy(consultation_required=text), devon).yes_no == {
        "consultation_required": answer
    }


def test_unreadable_values_are_left_out_of_interpretation(devon: Framework) -> None:
    values = interpret(policy(next_review="soon", change_type="Tweak", version="x"), devon)
    assert "next_review" not in values.dates
    assert "change_type" not in values.choices
    assert values.version is None


# -- rules ---------------------------------------------------------------------------------


def test_date_order_says_both_dates_as_written(devon: Framework) -> None:
    assert check(consultation(consultation_end="01/02/2024"), devon) == [
        Problem(
            "Consultation end date",
            'The consultation must end after it starts. This form says "Consultation start '
            'date" is 1 March 2024 and "Consultation end date" is 01/02/2024.',
            'Check both dates and correct the wrong one: "Consultation end date" must come '
            'after "Consultation start date".',
            "table 1, row 3",
        )
    ]


def test_date_order_same_day_is_not_after(devon: Framework) -> None:
    [found] = check(consultation(consultation_end="1 March 2024"), devon)
    assert found.message.startswith("The consultation must end after it starts.")


def test_date_order_compares_ranges_generously(devon: Framework) -> None:
    assert (
        check(consultation(consultation_start="March 2024", consultation_end="31/03/2024"), devon)
        == []
    )


def test_review_date_before_last_review(devon: Framework) -> None:
    errors = [
        p for p in check(policy(next_review="September 2022"), devon) if p.severity == "error"
    ]
    assert [p.message for p in errors] == [
        'The next review date must be after the last review date. This form says "Last review '
        'date" is October 2022 and "Next review date" is September 2022.'
    ]


def test_review_cycle_exceeded(devon: Framework) -> None:
    assert check(policy(next_review="November 2024"), devon) == [
        Problem(
            "Next review date",
            "The next review must be within the review cycle of the last review. Reviews are "
            'due every 24 months, so after "Last review date" October 2022 the next review is '
            "due by 31 October 2024; this form says November 2024.",
            'Change "Next review date" to 31 October 2024 or earlier.',
            "table 1, row 10",
        )
    ]


def test_review_cycle_quarters_within(devon: Framework) -> None:
    record = policy(last_review="Quarter 3 2015/16", next_review="Quarter 3 2017/18")
    assert not has_errors(check(record, devon))
    assert validate(record, devon, Context(date(2016, 1, 1))) == []


def test_review_cycle_quarters_beyond(devon: Framework) -> None:
    record = policy(last_review="Quarter 3 2015/16", next_review="Quarter 4 2017/18")
    [found] = validate(record, devon, Context(date(2016, 1, 1)))
    assert found.message.endswith(
        'after "Last review date" Quarter 3 2015/16 the next review is due by 31 December '
        "2017; this form says Quarter 4 2017/18."
    )


def test_review_cycle_falls_back_to_approval_date(devon: Framework) -> None:
    [found] = check(policy(drop=("last_review",), approval_date="January 2016"), devon)
    assert 'after "Date of approval and commencement" January 2016' in found.message
    assert found.fix == 'Change "Next review date" to 31 January 2018 or earlier.'


def test_sign_off_too_low_names_both_levels(devon: Framework) -> None:
    assert check(policy(change_type="Major", sign_off_level="Policy Team"), devon) == [
        Problem(
            "Sign-off level",
            "A Major change needs sign-off by Head of Service or higher; this form says "
            "Policy Manager.",
            'Have the policy signed off by Head of Service or higher and say so in "Sign-off '
            'level"; or, if the change is smaller than that, correct "Change type".',
            "table 1, row 11",
        )
    ]


@pytest.mark.parametrize(
    ("change", "level"),
    [("Minor", "Policy Manager"), ("Major", "OSLT"), ("New", "Cabinet"), ("Removal", "Director")],
)
def test_sign_off_high_enough(devon: Framework, change: str, level: str) -> None:
    assert check(policy(change_type=change, sign_off_level=level), devon) == []


def test_sign_off_ok_by_keys(devon: Framework) -> None:
    assert sign_off_ok(devon, "minor", "policy_manager")
    assert sign_off_ok(devon, "major", "political")
    assert not sign_off_ok(devon, "new", "policy_manager")
    with pytest.raises(KeyError):
        sign_off_ok(devon, "tweak", "policy_manager")


def test_version_lower_than_register(devon: Framework) -> None:
    assert check(policy(version="1.4"), devon, registered_version="1.10") == [
        Problem(
            "Version",
            "The version is lower than the version already in the register. This form says "
            "1.4; the register already has 1.10.",
            'Write version 1.10 or higher in "Version".',
            "table 1, row 2",
        )
    ]


@pytest.mark.parametrize("registered", ["1.4", "1.4.0", "1.3", "1", None])
def test_version_not_lower(devon: Framework, registered: str | None) -> None:
    assert validate(policy(version="1.4"), devon, Context(TODAY, registered)) == []


def test_version_key() -> None:
    assert version_key("1.4") == (1, 4)
    assert version_key("2") == (2,)
    assert version_key("2.0") == (2,)
    assert version_key("1.10") > version_key("1.9")
    with pytest.raises(ValueError):
        version_key("two")


def test_rows_present(devon: Framework) -> None:
    half = Row({"said": "Too complicated", "response": ""}, "table 1, row 2")
    assert check(consultation(rows=[half]), devon) == [
        Problem(
            "What you told us",
            "Say at least one thing people told us and our response to it.",
            'Add a row to the table with "What you told us" and "Our response" filled in.',
        )
    ]
