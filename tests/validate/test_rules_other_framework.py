"""Validation: another council's framework file is checked by the same code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.framework_load import load_framework
from pipeline.records import FieldValue, FormRecord
from pipeline.validate.rules import (
    Context,
    interpret,
    validate,
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
