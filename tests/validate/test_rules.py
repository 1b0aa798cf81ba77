"""Validation: every check and rule, on records built directly, against real framework files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.dates import DateRange
from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.framework_load import default_framework, load_framework
from pipeline.records import FieldValue, FormRecord, Paragraph, Row, Run, SectionContent
from pipeline.safety.check import check_file
from pipeline.validate.rules import (
    Context,
    Problem,
    has_errors,
    interpret,
    sign_off_ok,
    validate,
    version_key,
)

TODAY = date(2024, 1, 15)
DATE_FIX = (
    "Write the date in one of these ways: 01/10/2024, 1 October 2024, October 2024 or "
    "Quarter 3 2024/25."
)


@pytest.fixture(scope="module")
def devon() -> Framework:
    return default_framework()


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


def test_number_accepts_figures_and_rejects_words(devon: Framework) -> None:
    assert check(consultation(responses_received="1,204"), devon) == []
    [found] = check(consultation(responses_received="about forty"), devon)
    assert (found.field, found.message, found.fix) == (
        "Number of responses",
        '"about forty" is not a number.',
        "Write the number in figures, for example 12.",
    )


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


# -- another council's framework -----------------------------------------------------------

OTHER = """
[framework]
name = "Care Policy Rules"
council = "Example Borough Council"
reference_prefix = "EX-"

[review]
cycle_months = 12

[[sign_off_levels]]
key = "manager"
label = "Team Manager"
rank = 1
[[sign_off_levels]]
key = "director"
label = "Director"
aliases = ["DASS"]
rank = 2

[[change_types]]
key = "small"
label = "Small"
minimum_sign_off = "manager"
[[change_types]]
key = "big"
label = "Big"
minimum_sign_off = "director"

[forms.procedure]
label = "Procedure"
title_field = "name"

[[forms.procedure.fields]]
key = "name"
label = "Procedure name"
type = "text"
required = true
help = "What the procedure is called."
[[forms.procedure.fields]]
key = "doc_version"
label = "Issue"
type = "version"
required = true
[[forms.procedure.fields]]
key = "size"
label = "Size of change"
type = "choice"
choices_from = "change_types"
required = true
[[forms.procedure.fields]]
key = "approver"
label = "Approved at"
type = "choice"
choices_from = "sign_off_levels"
[[forms.procedure.fields]]
key = "reviewed_on"
label = "Reviewed on"
type = "date"
[[forms.procedure.fields]]
key = "review_due"
label = "Review due"
type = "date"
required = true

[[rules]]
kind = "review_cycle"
form = "procedure"
start = "reviewed_on"
end = "review_due"
message = "Procedures are reviewed every year."
[[rules]]
kind = "date_order"
form = "procedure"
earlier = "reviewed_on"
later = "review_due"
[[rules]]
kind = "sign_off_level"
form = "procedure"
change_type = "size"
sign_off = "approver"
[[rules]]
kind = "version_not_lower"
form = "procedure"
field = "doc_version"
"""


def test_another_framework_is_checked_by_the_same_code(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text(OTHER, encoding="utf-8")
    other = load_framework(path)
    values = {
        "name": "Safeguarding Procedure",
        "doc_version": "3",
        "size": "Big",
        "approver": "Team Manager",
        "reviewed_on": "1 April 2023",
        "review_due": "1 June 2024",
    }
    record = FormRecord(
        "procedure",
        Path("p.xlsx"),
        fields={k: FieldValue(v, f"B{i}") for i, (k, v) in enumerate(values.items(), 1)},
    )
    problems = validate(record, other, Context(date(2023, 6, 1), registered_version="3.1"))
    assert [(p.field, p.message, p.location) for p in problems] == [
        (
            "Issue",
            "The version is lower than the version already in the register. This form says 3; "
            "the register already has 3.1.",
            "B2",
        ),
        (
            "Approved at",
            "A Big needs sign-off by Director or higher; this form says Team Manager.",
            "B4",
        ),
        (
            "Review due",
            "Procedures are reviewed every year. Reviews are due every 12 months, so after "
            '"Reviewed on" 1 April 2023 the next review is due by 1 April 2024; this form says '
            "1 June 2024.",
            "B6",
        ),
    ]
    record.fields["approver"] = FieldValue("DASS")
    record.fields["review_due"] = FieldValue("1 March 2024")
    assert validate(record, other, Context(date(2023, 6, 1), registered_version="3")) == []
    assert interpret(record, other).choices == {"size": "big", "approver": "director"}


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
