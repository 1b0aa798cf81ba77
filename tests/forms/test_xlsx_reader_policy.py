"""Reading Excel policy forms: label | value pairs, section text, cell values as officers read
them, formulas never evaluated, unicode, defined names and the marker.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl.workbook.defined_name import DefinedName

from pipeline.forms.markers import write_marker_xlsx
from pipeline.forms.xlsx_reader import cell_text
from pipeline.framework import Framework
from pipeline.records import ListItem, Paragraph, Run
from tests.helpers.xlsx_reading import policy_workbook, read, save, workbook


def test_policy_fields(tmp_path: Path, framework: Framework) -> None:
    record = read(save(policy_workbook(), tmp_path / "policy.xlsx"), framework)
    assert record.form_type == "policy"
    assert record.value("title") == "Personal Budgets Policy"
    assert record.fields["version"].text == "1.4"
    assert record.location("version") == "Sheet 'Details', cell B4"
    assert record.value("strategic_owner") == "Sally Slade, Head of Adult Social Care"
    assert record.location("strategic_owner") == "Sheet 'Details', cell C5"
    assert record.value("business_owner") == "Sarah Mackereth, Principal Social Worker"
    assert record.value("author") == "James Martin, Senior Policy Officer"
    assert record.value("approval_date") == "1 December 2015"
    assert record.value("last_review") == "Quarter 3 2015/16"
    assert record.value("change_type") == "Major change"


def test_policy_sections_from_a_section_text_sheet(tmp_path: Path, framework: Framework) -> None:
    record = read(save(policy_workbook(), tmp_path / "policy.xlsx"), framework)
    assert [s.key for s in record.sections] == ["applies_to", "why", "achieve", "policy"]
    applies = record.section("applies_to")
    assert applies is not None and applies.heading == "5. Who this policy applies to"
    assert applies.location == "Sheet 'Sections', cell B2"
    assert list(applies.blocks) == [
        Paragraph((Run("This policy will apply to you if you are an adult over 18."),)),
        Paragraph((Run("It also applies if we arrange your care."),)),
    ]
    why = record.section("why")
    assert why is not None and list(why.blocks) == [
        Paragraph((Run("The Care Act places personal budgets into law."),)),
        ListItem((Run("It sets out what you can expect"),), 0, False),
        ListItem((Run("and how we must act"),), 0, False),
    ]
    achieve = record.section("achieve")
    assert achieve is not None and list(achieve.blocks) == [
        ListItem((Run("A sufficient budget"),), 0, True),
        ListItem((Run("Greater choice"),), 0, True),
    ]
    assert [u.text for u in record.unplaced] == [
        "a section the policy form does not have: 'Glossary'"
    ]


def test_section_title_with_text_beside_it(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook("Policy")
    ws.append(["Title", "Carers Policy"])
    ws.append(["Purpose of this document", "For carers.\n  - and families"])
    ws.append(["The Policy", None, "We will help."])
    record = read(save(wb, tmp_path / "p.xlsx"), framework)
    applies = record.section("applies_to")
    assert applies is not None and list(applies.blocks) == [
        Paragraph((Run("For carers."),)),
        ListItem((Run("and families"),), 1, False),
    ]
    policy = record.section("policy")
    assert policy is not None and policy.location == "Sheet 'Policy', cell C3"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2024, 10, 1), "1 October 2024"),
        (date(2024, 10, 1), "1 October 2024"),
        ("01/10/2024", "01/10/2024"),
        ("October 2024", "October 2024"),
        ("Quarter 3 2015/16", "Quarter 3 2015/16"),
        (1.4, "1.4"),
        (2.0, "2"),
        (3, "3"),
        (True, "Yes"),
        (None, ""),
    ],
)
def test_cell_values_as_officers_read_them(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_formulas_are_never_evaluated(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook()
    ws.append(["Policy title", '=CONCAT("a","b")'])  # a formula with no cached value
    ws.append(["Author", "=not a formula"])
    ws["B2"].data_type = "s"  # typed text that happens to start with "="
    ws.append(["Version", 2.0])
    ws.append(["Strategic owner", "Someone"])
    ws.append(["Who this policy applies to", "Everyone"])
    record = read(save(wb, tmp_path / "f.xlsx"), framework)
    assert record.value("title") == ""
    assert record.value("author") == "=not a formula"
    assert record.value("version") == "2"


def test_unicode_is_unchanged(tmp_path: Path, framework: Framework) -> None:
    text = "“Smart” ‘quotes’,\u00a0NBSP,\ttab, emoji 👍🏽, العربية, עברית"
    wb, ws = workbook()
    ws.append(["Policy title", text])
    ws.append(["Who this policy applies to", text])
    ws.append(["The Policy", "Text"])
    record = read(save(wb, tmp_path / "u.xlsx"), framework)
    assert record.value("title") == text
    section = record.section("applies_to")
    assert section is not None and list(section.blocks) == [Paragraph((Run(text),))]


def test_defined_names_and_the_marker(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook("Form")
    write_marker_xlsx(wb, "policy_request")
    ws["A1"] = "Anything"
    ws["D7"] = "Carers Respite Policy"
    ws["D8"] = datetime(2025, 11, 3)
    wb.defined_names["title"] = DefinedName("title", attr_text="Form!$D$7")
    wb.defined_names["date"] = DefinedName("date", attr_text="Form!$D$8")
    record = read(save(wb, tmp_path / "named.xlsx"), framework)
    assert record.form_type == "policy_request"
    assert record.value("title") == "Carers Respite Policy"
    assert record.location("title") == "Sheet 'Form', cell D7"
    assert record.value("date") == "3 November 2025"
