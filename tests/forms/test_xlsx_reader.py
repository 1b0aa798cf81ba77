"""Reading Excel forms: label | value pairs, defined names, section text and repeating rows."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from pipeline.errors import RejectedFile
from pipeline.forms.blank.excel import EMPTY_ROWS
from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.markers import write_marker_xlsx
from pipeline.forms.read import read_form
from pipeline.forms.xlsx_reader import MAX_ROWS, cell_text
from pipeline.framework import Framework
from pipeline.records import FormRecord, ListItem, Paragraph, Run
from tests.helpers.excel_forms import POLICY_ANSWERS, POLICY_SECTIONS, filled_xlsx
from tests.helpers.paths import EXAMPLES
from tests.helpers.soffice import libreoffice

from .conftest import run_corpus


def read(path: Path, framework: Framework) -> FormRecord:
    return read_form(path, framework, "xlsx")


def workbook(title: str = "Details") -> tuple[Workbook, Any]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    return wb, ws


def save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def policy_workbook() -> Workbook:
    wb, ws = workbook("Details")
    ws.append(["Personal Budgets Policy"])
    ws.append([])
    ws.append(["Policy title", "Personal Budgets Policy"])
    ws.append(["Version:", 1.4])
    ws.append(["Strategic Owners", None, "Sally Slade, Head of Adult Social Care"])
    ws.append(["business owner", "Sarah Mackereth, Principal Social Worker"])
    ws.append(["Written by", "James Martin, Senior Policy Officer"])
    ws.append(["Date of approval and commencement", datetime(2015, 12, 1)])
    ws.append(["Last review date", "Quarter 3 2015/16"])
    ws.append(["Next review date", "Quarter 3 2017/18"])
    ws.append(["Change type", "Major change"])
    sections = wb.create_sheet("Sections")
    sections.append(["Section", "Text"])
    sections.append(
        [
            "5. Who this policy applies to",
            "5.1 This policy will apply to you if you are an adult over 18.\n"
            "5.2 It also applies if we arrange your care.",
        ]
    )
    sections.append(["Why we have this policy", "The Care Act places personal budgets into law."])
    sections.append([None, "- It sets out what you can expect\n• and how we must act"])
    sections.append(["What the policy will achieve", "a) A sufficient budget\nb) Greater choice"])
    sections.append(["The Policy", "8.1 A personal budget is the amount of money we allocate."])
    sections.append(["Glossary", "Words we use."])
    return wb


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


def test_implementation_plan(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook("Plan")
    ws.append(["IMPLEMENTATION PLAN FOR:", "Personal Budgets Policy"])
    ws.append(["DATE:", datetime(2025, 12, 8)])
    ws.append(["AUTHOR:", "James Martin"])
    ws.append(["Business owner: Sarah Mackereth"])
    ws.append([None, "Issues identified / Action to be taken", "Lead", "Time-Scale"])
    ws.append(
        [
            "1. Co-ordination of implementation\n• How will it be co-ordinated?",
            "Monthly group",
            "Sarah",
            "Monthly",
        ]
    )
    ws.append(["2. Engaging staff", "Briefings", "Managers", "January 2026"])
    ws.append([])
    ws.append(["9. Parking", "Extra spaces", "Facilities", "2026"])
    record = read(save(wb, tmp_path / "plan.xlsx"), framework)
    assert record.form_type == "implementation_plan"
    assert record.value("policy_title") == "Personal Budgets Policy"
    assert record.value("date") == "8 December 2025"
    assert record.value("business_owner") == "Sarah Mackereth"
    assert [r.cells for r in record.rows] == [
        {
            "area": "coordination",
            "action": "Monthly group",
            "lead": "Sarah",
            "timescale": "Monthly",
        },
        {
            "area": "engaging_staff",
            "action": "Briefings",
            "lead": "Managers",
            "timescale": "January 2026",
        },
        {"area": "9. Parking", "action": "Extra spaces", "lead": "Facilities", "timescale": "2026"},
    ]
    assert record.rows[1].location == "Sheet 'Plan', row 7 (Engaging staff)"
    assert [u.text for u in record.unplaced] == [
        "a row for an area the plan does not have: '9. Parking'"
    ]


def test_consultation_response(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook("Response")
    ws.append(["Policy consulted on", "Personal Budgets Policy"])
    ws.append(["Start date", datetime(2025, 9, 1)])
    ws.append(["End date", "30 November 2025"])
    ws.append(["Number of responses", 87])
    ws.append(["Summary", "We asked people.\nThey answered."])
    ws.append([])
    ws.append(["You said", "We said", "We did"])
    ws.append(["Explain the budget", "We agree", "8.5 rewritten"])
    record = read(save(wb, tmp_path / "cr.xlsx"), framework)
    assert record.form_type == "consultation_response"
    assert record.value("consultation_start") == "1 September 2025"
    assert record.value("responses_received") == "87"
    assert record.fields["summary"].text == "We asked people.\nThey answered."
    assert [r.cells for r in record.rows] == [
        {"said": "Explain the budget", "response": "We agree", "change": "8.5 rewritten"}
    ]
    assert record.rows[0].location == "Sheet 'Response', row 8"


def test_policy_request_example(framework: Framework) -> None:
    record = read(EXAMPLES / "carers-respite-policy-request.xlsx", framework)
    assert record.form_type == "policy_request"
    assert record.value("title") == "Carers Respite Policy"
    assert record.value("date") == "3 November 2025"
    # every field the sample was made with; "Contact email" came later and is optional
    fields = [f for f in framework.form("policy_request").fields if f.key != "contact_email"]
    assert all(record.value(f.key) for f in fields)


def test_blank_excel_forms_read_as_empty(tmp_path: Path, framework: Framework) -> None:
    paths = [p for p in write_blank_forms(framework, tmp_path) if p.suffix == ".xlsx"]
    assert paths
    for path in paths:
        record = read(path, framework)
        assert record.form_type == path.stem
        assert all(v.text == "" for v in record.fields.values()), path.name
        assert all(s.is_empty for s in record.sections), path.name  # guidance is not an answer


def test_huge_sheets_are_read_only_so_far(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook()
    ws.append(["Policy title", "Big Policy"])
    ws.append(["Who this policy applies to", "Everyone"])
    ws.append(["The Policy", "Text"])
    ws.cell(MAX_ROWS + 5, 1, "Version")
    ws.cell(MAX_ROWS + 5, 2, "9")
    record = read(save(wb, tmp_path / "big.xlsx"), framework)
    assert record.value("title") == "Big Policy"
    assert "version" not in record.fields
    assert record.unplaced[0].location == "Sheet 'Details'"
    assert "only the first 2,000 rows" in record.unplaced[0].text


def test_an_unrelated_workbook_is_not_one_of_our_forms(
    tmp_path: Path, framework: Framework
) -> None:
    wb, ws = workbook("Budget")
    ws.append(["Ref", "Date", "Area", "Amount"])
    ws.append(["A1", datetime(2024, 1, 1), "North", 100])
    with pytest.raises(RejectedFile) as caught:
        read(save(wb, tmp_path / "budget.xlsx"), framework)
    assert caught.value.reason.startswith("not one of our forms: an Excel workbook")


def test_random_bytes_in_an_xlsx_zip_are_a_damaged_file(
    tmp_path: Path, framework: Framework
) -> None:
    good = save(policy_workbook(), tmp_path / "good.xlsx")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, bytes(range(256)) * 4 if item.filename.endswith("sheet1.xml") else data
            )
    with pytest.raises(RejectedFile) as caught:
        read(path, framework)
    assert caught.value.reason == "damaged file"


def test_corpus_never_escapes_anything_but_a_rejection(
    framework: Framework, caplog: pytest.LogCaptureFixture, poi_corpus: Path
) -> None:
    run_corpus("xlsx", framework, caplog, poi_corpus)


# -- Excel forms as officers fill them: rich text, pasted paragraphs, rows typed below --------


def _policy(tmp_path: Path, framework: Framework, sections: dict[str, object]) -> FormRecord:
    path = filled_xlsx(framework, "policy", tmp_path / "p.xlsx", POLICY_ANSWERS, sections=sections)
    return read(path, framework)


def test_bold_and_italic_inside_a_cell_are_kept(tmp_path: Path, framework: Framework) -> None:
    record = _policy(tmp_path, framework, POLICY_SECTIONS)
    blocks = {s.key: list(s.blocks) for s in record.sections}
    assert blocks["applies_to"] == [
        Paragraph(
            (Run("This policy applies to "), Run("unpaid carers", bold=True), Run(" in Devon."))
        )
    ]
    assert blocks["achieve"] == [
        ListItem((Run("More "), Run("planned", italic=True), Run(" breaks"))),
        ListItem((Run("Fewer crises"),)),
    ]
    assert blocks["policy"] == [
        Paragraph(
            (
                Run("We "),
                Run("must", bold=True),
                Run(" offer a break within "),
                Run("28 days", italic=True),
                Run(" of an assessment."),
            )
        ),  # fmt: skip
        Paragraph((Run("A "), Run("carer's break", True, True), Run(" may be a day or a week."))),
    ]


def test_a_cell_formatted_as_a_whole_gives_its_look_to_text_without_its_own(
    tmp_path: Path, framework: Framework
) -> None:
    path = filled_xlsx(
        framework, "policy", tmp_path / "p.xlsx", POLICY_ANSWERS, sections=POLICY_SECTIONS
    )
    wb = load_workbook(path, rich_text=True)
    ws = wb["Form"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    ws.cell(rows["Why we have this policy"], 2).font = Font(bold=True)
    ws.cell(rows["The Policy"], 2).font = Font(italic=True)
    record = read(save(wb, path), framework)
    why, policy = record.section("why"), record.section("policy")
    assert why is not None and list(why.blocks) == [
        Paragraph((Run("Carers need breaks.", bold=True),)),
        Paragraph((Run("The Care Act 2014 says so.", bold=True),)),
    ]
    # A run with its own font looks exactly as that font says: Excel shows "must" upright.
    assert policy is not None and policy.blocks[0] == Paragraph(
        (
            Run("We ", italic=True),
            Run("must", bold=True),
            Run(" offer a break within 28 days of an assessment.", italic=True),
        )
    )


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("One.\r\nTwo.", [Paragraph((Run("One."),)), Paragraph((Run("Two."),))]),
        ("One.\r\n\r\n\r\nTwo.\r\n", [Paragraph((Run("One."),)), Paragraph((Run("Two."),))]),
        ("One.\n\nTwo.\n\n", [Paragraph((Run("One."),)), Paragraph((Run("Two."),))]),
        ("One.\rTwo.\r", [Paragraph((Run("One."),)), Paragraph((Run("Two."),))]),
        ("•\tOne\r\n•\tTwo\r\n", [ListItem((Run("One"),)), ListItem((Run("Two"),))]),
        ("•One\n•Two", [ListItem((Run("One"),)), ListItem((Run("Two"),))]),
        ("- One\n  - Two\n", [ListItem((Run("One"),)), ListItem((Run("Two"),), level=1)]),
        ("-5 is cold", [Paragraph((Run("-5 is cold"),))]),
    ],
    ids=["crlf", "blank-lines", "lf-trailing", "cr", "word-bullets", "ods-bullets", "typed", "-5"],
)
def test_paragraphs_pasted_into_one_cell(
    tmp_path: Path, framework: Framework, pasted: str, expected: list[object]
) -> None:
    record = _policy(tmp_path, framework, {**POLICY_SECTIONS, "The Policy": pasted})
    policy = record.section("policy")
    assert policy is not None and list(policy.blocks) == expected


PLAN = {"policy_title": "Carers Breaks Policy", "business_owner": "Sarah Mackereth"}


def test_rows_typed_below_the_prepared_rows_and_beside_the_table_are_not_lost(
    tmp_path: Path, framework: Framework
) -> None:
    areas = framework.form("implementation_plan").areas
    prepared = [(f"Action {n}", "Jo", "2027") for n in range(1, len(areas) + 1)]
    path = filled_xlsx(
        framework, "implementation_plan", tmp_path / "plan.xlsx", PLAN, rows=prepared
    )
    wb = load_workbook(path)
    ws = wb["Form"]
    header = next(
        r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value and ws.cell(r, 3).value == "Lead"
    )
    last = header + len(areas)
    # The prepared rows as an Excel table: the rows typed below it are outside its range.
    ws.add_table(Table(displayName="Plan", ref=f"A{header}:D{last}"))
    below = last + 3  # two empty rows, then another action for the last area
    ws[f"B{below}"], ws[f"C{below}"], ws[f"D{below}"] = "Tell the carers' forum", "Sam", "2028"
    ws[f"F{header + 2}"] = "Ask Jo   about the budget"
    record = read(save(wb, path), framework)
    assert [r.cells["action"] for r in record.rows] == [a for a, _, _ in prepared] + [
        "Tell the carers' forum"
    ]
    assert record.rows[-1].location == f"Sheet 'Form', row {below}"
    assert [(n.text, n.location) for n in record.not_carried] == [
        (
            'the text "Ask Jo about the budget", typed outside the table\'s columns,',
            f"Sheet 'Form', cell F{header + 2}",
        )
    ]


def test_response_rows_typed_after_empty_rows_below_the_prepared_ones(
    tmp_path: Path, framework: Framework
) -> None:
    said = [("Explain the budget", "We agree", "8.5 rewritten")]
    gap = [("", "", "")] * (EMPTY_ROWS + 2)  # the prepared rows left empty, then two more
    later = [("Too slow", "We will be quicker", "4.2 added")]
    path = filled_xlsx(
        framework, "consultation_response", tmp_path / "cr.xlsx",
        {"policy_title": "Carers Breaks Policy"}, rows=said + gap + later,
    )  # fmt: skip
    record = read(path, framework)
    assert [r.cells["said"] for r in record.rows] == ["Explain the budget", "Too slow"]
    assert not record.not_carried


def test_text_beside_a_section_sheet_is_not_lost(tmp_path: Path, framework: Framework) -> None:
    wb = policy_workbook()
    wb["Sections"]["D3"] = "check with legal"
    record = read(save(wb, tmp_path / "p.xlsx"), framework)
    assert [(n.text, n.location) for n in record.not_carried] == [
        (
            'the text "check with legal", typed outside the table\'s columns,',
            "Sheet 'Sections', cell D3",
        )
    ]


@pytest.mark.requires_libreoffice
def test_a_literal_excel_escape_survives_shared_strings(
    tmp_path: Path, framework: Framework
) -> None:
    """Excel and LibreOffice save text as shared strings, where openpyxl drops "x005F_"."""
    literal = "Code _x005F_x0041_ policy"  # what Excel stores for a typed "_x0041_"
    answers = {**POLICY_ANSWERS, "title": literal}
    sections = {**POLICY_SECTIONS, "The Policy": literal}
    made = filled_xlsx(framework, "policy", tmp_path / "p.xlsx", answers, sections=sections)
    record = read(libreoffice(made, "xlsx:Calc MS Excel 2007 XML", tmp_path / "saved"), framework)
    policy = record.section("policy")
    assert record.value("title") == "Code _x0041_ policy"  # through its defined name
    assert policy is not None and [b.text for b in policy.blocks] == ["Code _x0041_ policy"]


def test_a_cells_link_is_kept_on_its_text(tmp_path: Path, framework: Framework) -> None:
    path = filled_xlsx(
        framework,
        "policy",
        tmp_path / "p.xlsx",
        POLICY_ANSWERS,
        sections={**POLICY_SECTIONS, "Why we have this policy": "Read the Care Act 2014."},
    )
    wb = load_workbook(path)
    ws = wb.active
    (cell,) = [c for row in ws.iter_rows() for c in row if c.value == "Read the Care Act 2014."]
    cell.hyperlink = "https://www.legislation.gov.uk/ukpga/2014/23"
    wb.save(path)
    blocks = {s.key: list(s.blocks) for s in read(path, framework).sections}
    href = "https://www.legislation.gov.uk/ukpga/2014/23"
    assert blocks["why"] == [Paragraph((Run("Read the Care Act 2014.", href=href),))]
