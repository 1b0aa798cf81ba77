"""Excel forms as officers fill them: the blank Excel form, answers typed in with openpyxl.

Section text may be rich text (openpyxl's ``CellRichText``: bold and italic inside a cell,
as Excel stores it), so the reader meets a file written by a library we did not write.
Rows go under the table's header row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pipeline.forms.blank.excel import SHEET, write_xlsx
from pipeline.framework import Framework

BOLD, ITALIC = InlineFont(b=True), InlineFont(i=True)

# A new policy, signed off: accepted and produced (a DRAFT until its plan arrives).
POLICY_ANSWERS: dict[str, object] = {
    "title": "Carers Breaks Policy",
    "version": "1",
    "change_type": "New policy",
    "strategic_owner": "Sally Slade, Head of Adult Social Care",
    "business_owner": "Sarah Mackereth, Principal Social Worker",
    "author": "James Martin, Senior Policy Officer",
    "approval_date": datetime(2026, 10, 1),
    "last_review": "Quarter 3 2026/27",
    "next_review": "Quarter 3 2027/28",
    "sign_off_level": "Head of Service",
    "approved_by": "Sally Slade, Head of Adult Social Care",
    "consultation_required": "No",
    "impact_assessment": "Completed",
}
# Each section as an officer writes it in a cell: bold and italic words, pasted paragraphs.
POLICY_SECTIONS: dict[str, object] = {
    "Who this policy applies to": CellRichText(
        ["This policy applies to ", TextBlock(BOLD, "unpaid carers"), " in Devon."]
    ),
    "Why we have this policy": "Carers need breaks.\r\n\r\nThe Care Act 2014 says so.\r\n",
    "What the policy will achieve": CellRichText(
        ["• More ", TextBlock(ITALIC, "planned"), " breaks\r\n• Fewer crises\r\n"]
    ),
    "The Policy": CellRichText(
        [
            "We ",
            TextBlock(BOLD, "must"),
            " offer a break within ",
            TextBlock(ITALIC, "28 days"),
            " of an assessment.\n\nA ",
            TextBlock(InlineFont(b=True, i=True), "carer's break"),
            " may be a day or a week.",
        ]
    ),
}


def filled_xlsx(
    framework: Framework,
    form_key: str,
    path: Path,
    answers: Mapping[str, object],
    *,
    sections: Mapping[str, object] = {},
    rows: Sequence[Sequence[object]] = (),
) -> Path:
    """The blank Excel form for ``form_key`` with ``answers`` (by field key) typed in.

    ``sections``: section title -> the cell beside it; ``rows``: from the first row under
    the table's header, from column B when the form prints its areas in column A.
    """
    form = framework.form(form_key)
    write_xlsx(framework, form, path)
    wb = openpyxl.load_workbook(path, rich_text=True)
    ws = wb[SHEET]
    for key, value in answers.items():
        for _title, ref in wb.defined_names[key].destinations:
            ws[ref.replace("$", "")] = value
    titles = {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1)}
    for title, text in sections.items():
        ws.cell(titles[title], 2, text)
    if rows:
        header = next(
            r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == form.columns[1].label
        )
        start = 2 if form.areas else 1
        for offset, values in enumerate(rows, start=1):
            for column, value in enumerate(values, start=start):
                ws.cell(header + offset, column, value)
    wb.save(path)
    return path
