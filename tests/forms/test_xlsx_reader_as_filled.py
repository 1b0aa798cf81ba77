"""Reading Excel forms as officers fill them: rich text, pasted paragraphs, rows typed below
or beside the prepared ones, escapes, links; nothing typed is lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table

from pipeline.forms.blank.excel import EMPTY_ROWS
from pipeline.framework import Framework
from pipeline.records import FormRecord, ListItem, Paragraph, Run
from tests.helpers.excel_forms import POLICY_ANSWERS, POLICY_SECTIONS, filled_xlsx
from tests.helpers.soffice import libreoffice
from tests.helpers.xlsx_reading import policy_workbook, read, save

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
