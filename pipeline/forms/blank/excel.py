"""Blank Excel forms: one sheet, label | answer | guidance, with drop-downs and date cells.

Some officers would rather fill a spreadsheet than a Word form. Every answer cell carries a
workbook-scoped defined name equal to the field's key, so the reader finds answers even if
rows are moved; the workbook-scoped name ``PipelineForm`` holds the form type. Drop-downs and
date formats catch mistakes while the officer types, before the pipeline sees the file.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import atomic
from pipeline.forms.blank.word import help_for
from pipeline.forms.markers import write_marker_xlsx
from pipeline.framework import Field, FormType, Framework

SHEET = "Form"
LISTS_SHEET = "Lists"
DATE_FORMAT = "dd/mm/yyyy"
FIRST_FIELD_ROW = 4
EMPTY_ROWS = 8
HELP_CHARS_PER_LINE = 52
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d*[Cc]\d*)$")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF9E5")
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_xlsx(framework: Framework, form: FormType, path: Path) -> Path:
    """Write the blank Excel form for ``form`` to ``path``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    write_marker_xlsx(wb, form.key)
    wb.properties.title = f"{form.label} form"
    wb.properties.subject = f"{framework.council}: {framework.name}"
    ws["A1"] = f"{form.label} form"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = (
        f"{form.description} Type your answers in the yellow column B; column C says what "
        "to write. Keep the labels in column A as they are. Save as Excel (.xlsx) and put "
        "the file in the policy inbox."
    )
    ws.merge_cells("A2:C2")
    ws["A2"].font = Font(italic=True, color="595959")
    ws["A2"].alignment = _WRAP
    ws.row_dimensions[2].height = 48
    for column, width in zip("ABCD", (42, 62, 48, 18), strict=True):
        ws.column_dimensions[column].width = width
    row = FIRST_FIELD_ROW
    for f in form.fields:
        field_row(wb, ws, row, f)
        row += 1
    if form.sections:
        row += 1
        for section in form.sections:
            label_row(ws, row, section.title, section.help, height=160)
            row += 1
    if form.columns:
        row += 1
        rows_block(ws, row, form)
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    atomic.replace_with(path, wb.save)
    return path


def label_row(ws: Worksheet, row: int, label: str, help_text: str, height: float = 0.0) -> None:
    """A label in A, an empty answer cell in B, the guidance in C."""
    ws.cell(row, 1, label).font = Font(bold=True)
    ws.cell(row, 1).fill = _LABEL_FILL
    ws.cell(row, 3, help_text).font = Font(italic=True, color="595959")
    for column in (1, 2, 3):
        ws.cell(row, column).alignment = _WRAP
        ws.cell(row, column).border = _BOX
    ws.cell(row, 2).fill = _ANSWER_FILL
    # Excel does not grow rows to fit wrapped text written by a program: size them here.
    lines = max(math.ceil(len(help_text) / HELP_CHARS_PER_LINE), math.ceil(len(label) / 40), 1)
    ws.row_dimensions[row].height = max(height, 15.0 * lines + 2)


def field_row(wb: Workbook, ws: Worksheet, row: int, f: Field) -> None:
    """One field: its row, its defined name, and the validation its type allows."""
    if _CELL_LIKE.match(f.key):
        raise ValueError(
            f"the field key `{f.key}` looks like a cell address; Excel cannot name a cell so"
        )
    label_row(ws, row, f.label, help_for(f), height=75 if f.type == "longtext" else 0)
    ref = f"{SHEET}!$B${row}"
    wb.defined_names[f.key] = DefinedName(f.key, attr_text=ref)
    cell = f"B{row}"
    choices = ("Yes", "No") if f.type == "yes_no" else f.choices
    dv: DataValidation | None = None
    if choices:
        dv = DataValidation(type="list", formula1=_list_formula(wb, choices), allow_blank=True)
        dv.error = "Please choose one of the values in the list."
    elif f.type == "date":
        ws[cell].number_format = DATE_FORMAT
        dv = DataValidation(
            type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True
        )
        dv.error = 'Please type a date as dd/mm/yyyy, for example 01/10/2025, or a period such as "Quarter 3 2025/26".'
    elif f.type == "number":
        dv = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        dv.error = "Please type a whole number."
    else:
        dv = DataValidation(allow_blank=True)
    # A warning, not a stop: officers may write "Quarter 3 2025/26" or a known alias.
    dv.errorStyle = "warning"
    dv.showErrorMessage = dv.type is not None
    dv.errorTitle = "Check this answer"
    dv.promptTitle = f.label[:32]
    dv.prompt = help_for(f)[:255]
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(cell)


def _list_formula(wb: Workbook, choices: tuple[str, ...]) -> str:
    """An inline list when Excel allows it (255 characters, no commas), else a hidden sheet."""
    inline = ",".join(choices)
    if len(inline) <= 250 and not any("," in c or '"' in c for c in choices):
        return f'"{inline}"'
    lists = wb[LISTS_SHEET] if LISTS_SHEET in wb.sheetnames else wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    column = lists.max_column + 1 if lists["A1"].value is not None else 1
    for offset, choice in enumerate(choices, start=1):
        lists.cell(offset, column, choice)
    letter = get_column_letter(column)
    return f"{LISTS_SHEET}!${letter}$1:${letter}${len(choices)}"


def rows_block(ws: Worksheet, row: int, form: FormType) -> None:
    """The header row and the rows: one per area, or empty rows to fill."""
    labels = [c.label for c in form.columns]
    for column, text in enumerate(labels, start=1):
        cell = ws.cell(row, column, text)
        cell.font = Font(bold=True)
        cell.fill = _LABEL_FILL
        cell.border = _BOX
        cell.alignment = _WRAP
    titles = [f"{n}. {a.title}" for n, a in enumerate(form.areas, start=1)]
    count = len(titles) or EMPTY_ROWS
    for index in range(count):
        r = row + 1 + index
        ws.row_dimensions[r].height = 90 if titles else 60
        for column in range(1, len(labels) + 1):
            ws.cell(r, column).border = _BOX
            ws.cell(r, column).alignment = _WRAP
            if column > 1 or not titles:
                ws.cell(r, column).fill = _ANSWER_FILL
        if titles:
            area = form.areas[index]
            ws.cell(r, 1, titles[index]).font = Font(bold=True)
            ws.cell(r, 1).fill = _LABEL_FILL
            notes = "\n".join([*(f"• {p}" for p in area.prompts), area.guidance]).strip()
            ws.cell(r, 1).comment = Comment(notes, "Policy Team", width=360, height=220)
            dv = DataValidation(allow_blank=True, showInputMessage=True)
            dv.promptTitle = area.title[:32]
            dv.prompt = " ".join(area.prompts)[:255]
            ws.add_data_validation(dv)
            dv.add(f"B{r}")
