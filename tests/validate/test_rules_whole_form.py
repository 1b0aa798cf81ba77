"""Validation of a whole form: every problem at once in form order, an unknown form, a blank
form dropped by mistake, and what is accepted now but needed for publication.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.records import FieldValue, FormRecord
from pipeline.safety.check import check_file
from pipeline.validate.rules import (
    Context,
    Problem,
    has_errors,
    interpret,
    validate,
)
from tests.helpers.rule_records import check, policy

# -- the whole form ------------------------------------------------------------------------


def test_unplaced_heading_is_a_warning(devon: Framework) -> None:
    record = policy()
    record.unplaced.append(FieldValue("Glossary", "heading 'Glossary'"))
    assert check(record, devon) == [
        Problem(
            "",
            'This heading was not recognised: "Glossary". Its text was kept under the previous '
            "section.",
            "If it is meant to be one of the form's headings, write it as the framework does: "
            "Who this policy applies to, Why we have this policy, What the policy will achieve "
            "or The Policy. Otherwise nothing needs doing.",
            "heading 'Glossary'",
            "warning",
        )
    ]


def test_many_mistakes_all_reported_errors_first_in_form_order(devon: Framework) -> None:
    record = policy(
        drop=("title", "author"),
        version="one",
        change_type="Major",
        sign_off_level="Policy Manager",
        last_review="October 2020",
        next_review="Quarter 9",
    )
    record.sections = record.sections[:2]
    record.unplaced.append(FieldValue("Notes", "heading 'Notes'"))
    problems = validate(record, devon, Context(date(2025, 1, 1)))
    assert [(p.field, p.severity) for p in problems] == [
        ("Policy title", "error"),
        ("Version", "error"),
        ("Author", "error"),
        ("Next review date", "error"),
        ("Sign-off level", "error"),
        ("What the policy will achieve", "error"),
        ("The Policy", "error"),
        ("", "warning"),
    ]
    assert has_errors(problems)


def test_unknown_form_type(devon: Framework) -> None:
    record = FormRecord("memo", Path("memo.docx"))
    [found] = check(record, devon)
    assert found.message == 'This form is not one the framework knows ("memo").'
    assert found.fix == (
        "Use one of the framework's templates: Policy, One-page policy request, "
        "Implementation plan or Consultation response."
    )


# -- a blank form dropped by mistake -------------------------------------------------------


def test_every_blank_form_gets_one_problem_saying_it_is_blank(
    devon: Framework, tmp_path: Path
) -> None:
    written = write_blank_forms(devon, tmp_path)
    assert len(written) == 2 * len(devon.forms)
    for path in written:
        record = read_form(path, devon, check_file(path))
        label = devon.forms[record.form_type].label
        assert [p.message for p in check(record, devon)] == [
            f"This is the blank {label} form: nothing has been filled in yet."
        ], path.name


def test_a_blank_form_with_only_its_title_says_so(devon: Framework) -> None:
    record = FormRecord(
        "policy", Path("p.docx"), fields={"title": FieldValue("Carers Policy", "table 1, row 1")}
    )
    problems = check(record, devon)
    assert [(p.field, p.message) for p in problems] == [
        ("", "This is the blank Policy form: only the title is filled in.")
    ]


def test_a_form_with_two_fields_filled_gets_the_full_list(devon: Framework) -> None:
    record = FormRecord(
        "policy",
        Path("p.docx"),
        fields={"title": FieldValue("Carers Policy"), "version": FieldValue("1")},
    )
    messages = [p.message for p in check(record, devon)]
    assert len(messages) > 5
    assert not any("blank" in m for m in messages)


# -- accepted now, needed for publication (Appendix 3 has no change type or sign-off) ------


def test_no_change_type_is_accepted_with_a_draft_warning(devon: Framework) -> None:
    problems = check(policy(drop=("change_type",)), devon)
    assert not has_errors(problems)
    assert [(p.field, p.severity) for p in problems] == [("Change type", "warning")]
    assert "produced as a DRAFT" in problems[0].message


@pytest.mark.parametrize(
    ("values", "derived"),
    [
        ({"version": "1"}, True),
        ({"version": "v1.0"}, True),
        ({"version": "1.1"}, False),
        ({"version": "1", "policy_ref": "ASC-POL-007"}, False),
        ({"version": "1", "change_type": "Minor change"}, False),
    ],
)
def test_a_first_version_without_a_reference_is_worked_out_as_new(
    devon: Framework, values: dict[str, str], derived: bool
) -> None:
    record = policy(drop=("change_type",), **values)
    it = interpret(record, devon)
    assert ("change_type" in it.derived) is derived
    if derived:
        assert it.choices["change_type"] == "new"
        assert it.derived["change_type"] == "no reference and version 1: a new policy"
        assert check(record, devon) == []
