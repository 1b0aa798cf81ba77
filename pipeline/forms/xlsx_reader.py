"""Reading an Excel form into a :class:`FormRecord`.

Excel forms are label | value pairs on any sheet (the value is the next filled cell to the
right), defined names equal to a field key, repeating tables found by their header row,
and, for a policy, section text in the cell beside the section's title (or a "Section |
Text" sheet). Values are read as Excel last saved them: formulas are never evaluated, and a
cell whose text starts with "=" is just text. Excel's ``_xHHHH_`` escapes are undone, so a
value reads as the officer saw it in Excel (see :mod:`pipeline.forms.clean`).

Section text keeps bold and italic inside a cell (:mod:`pipeline.forms.xlsx_runs` reads the
runs). A table runs to the sheet's last row with a value; text typed outside its columns is
reported as not carried, never dropped.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
)
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.dates import format_date
from pipeline.forms.clean import excel_unescape
from pipeline.forms.common import (
    FieldCollector,
    guidance_texts,
    header_map,
    is_details_heading,
    make_row,
    match_field_label,
    match_section,
    run_blocks,
    split_label,
)
from pipeline.forms.detect import Evidence, choose_form
from pipeline.forms.markers import read_marker_xlsx
from pipeline.forms.xlsx_runs import CellRuns
from pipeline.framework import FormType, Framework
from pipeline.labels import normalise
from pipeline.records import FieldValue, FormRecord, Run, SectionContent
from pipeline.xml_chars import replace_illegal

MAX_ROWS = 2000
MAX_COLS = 50
MAX_SHEETS = 50
_SECTION_HEADERS = frozenset({"section", "heading", "section title", "section heading"})
_TEXT_HEADERS = frozenset({"text", "content", "wording", "section text", "what it say"})


@dataclass
class _Sheet:
    title: str
    grid: list[list[str]]  # bounded: MAX_ROWS x MAX_COLS
    ws: Worksheet
    pieces: CellRuns  # the bold and italic inside string cells, read when first asked for
    used: set[tuple[int, int]] = field(default_factory=set)  # cells already read

    def where(self, row: int, col: int) -> str:
        return f"Sheet '{self.title}', cell {get_column_letter(col + 1)}{row + 1}"

    def runs(self, row: int, col: int) -> tuple[Run, ...]:
        """A cell's text with its looks, as Excel shows it.

        A run Excel stored with its own font (``<r><rPr>``) is bold or italic exactly as that
        font says; text without one takes the cell's font, so a cell formatted bold as a
        whole reads as bold text, which is what the officer saw.
        """
        cell = self.ws.cell(row + 1, col + 1)
        bold, italic = bool(cell.font.b), bool(cell.font.i)
        # a cell's hyperlink (Insert > Link) covers its whole text; writers decide with
        # pipeline.links whether the address may be a link, as for Word
        link = cell.hyperlink
        href = str(link.target) if link is not None and link.target else None
        pieces = self.pieces.of(self.title, row, col)
        if pieces is None:
            cells = self.grid[row]
            return (Run(cells[col] if col < len(cells) else "", bold, italic, href),)
        return tuple(
            Run(text, bold if b is None else b, italic if i is None else i, href)
            for text, b, i in pieces
        )

    def next_filled(self, row: int, col: int, skip: frozenset[str]) -> int | None:
        """The next filled cell to the right that is not guidance printed by the blank form."""
        cells = self.grid[row]
        for c in range(col + 1, len(cells)):
            if cells[c].strip() and normalise(cells[c]) not in skip:
                return c
        return None


def cell_text(value: object) -> str:
    """A cell value as the officer would read it: dates in house style, 2.0 as "2"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return replace_illegal(excel_unescape(str(value)))


def _text_at(pieces: CellRuns, title: str, row: int, col: int, value: object) -> str:
    """:func:`cell_text`, but a string that holds an Excel escape is taken from the file.

    openpyxl deletes every ``x005F_`` from shared strings (as Excel and LibreOffice save
    them), so an officer's literal ``_x0041_`` would read as "A"; only such cells are
    looked up, so other workbooks cost nothing more.
    """
    if isinstance(value, str) and "_x" in value:
        found = pieces.of(title, row, col)
        if found is not None:
            return "".join(text for text, _, _ in found)
    return cell_text(value)


def read_xlsx(path: Path, framework: Framework) -> FormRecord:
    """Read an Excel form; the caller turns parser failures into a rejection."""
    with warnings.catch_warnings():
        # openpyxl warns about every extension it drops; none of it is an officer's answer.
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=False, data_only=True)
    try:
        notes: list[FieldValue] = []
        pieces = CellRuns(path)
        sheets = _sheets(workbook, notes, pieces)
        texts = tuple(c for s in sheets for row in s.grid for c in row if c.strip())
        evidence = Evidence(
            marker=read_marker_xlsx(workbook),
            body=texts,
            whole=texts,
            kind_label="an Excel workbook",
            nothing="an Excel workbook with no form labels, section titles or table headers we know",
        )
        form = framework.form(choose_form(framework, evidence))
        record = FormRecord(form_type=form.key, source=path, unplaced=notes)
        _Reader(form, record, sheets, workbook, pieces).read()
        return record
    finally:
        workbook.close()


def _sheets(workbook: Workbook, notes: list[FieldValue], pieces: CellRuns) -> list[_Sheet]:
    worksheets = workbook.worksheets
    if len(worksheets) > MAX_SHEETS:
        notes.append(FieldValue(f"only the first {MAX_SHEETS} sheets were read", "the workbook"))
    out: list[_Sheet] = []
    for ws in worksheets[:MAX_SHEETS]:
        if not isinstance(ws, Worksheet):
            continue
        rows, cols = min(ws.max_row, MAX_ROWS), min(ws.max_column, MAX_COLS)
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLS:
            notes.append(
                FieldValue(
                    f"only the first {MAX_ROWS:,} rows and {MAX_COLS} columns were read; "
                    "anything beyond them was ignored",
                    f"Sheet '{ws.title}'",
                )
            )
        grid = [
            [_text_at(pieces, ws.title, r, c, v) for c, v in enumerate(row)]
            for r, row in enumerate(
                ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True)
            )
        ]
        out.append(_Sheet(ws.title, grid, ws, pieces))
    return out


class _Reader:
    def __init__(
        self,
        form: FormType,
        record: FormRecord,
        sheets: list[_Sheet],
        workbook: Workbook,
        pieces: CellRuns,
    ) -> None:
        self.form, self.record, self.sheets, self.workbook = form, record, sheets, workbook
        self.pieces = pieces
        self.fields = FieldCollector()
        self.sections: dict[str, SectionContent] = {}
        self.guidance = guidance_texts(form)
        self.named: set[str] = set()  # fields whose cell a defined name gives: authoritative

    def read(self) -> None:
        self._defined_names()
        for sheet in self.sheets:
            self._rows(sheet)
            if self.form.sections and not self._section_sheet(sheet):
                self._section_labels(sheet)
            self._labels(sheet)
        self.record.fields = self.fields.values
        order = {s.key: i for i, s in enumerate(self.form.sections)}
        self.record.sections = sorted(self.sections.values(), key=lambda s: order[s.key])

    def _defined_names(self) -> None:
        """Defined names equal to a field key: a blank form may name its value cells."""
        keys = {f.key.lower(): f.key for f in self.form.fields}
        scopes = [
            self.workbook.defined_names,
            *(ws.defined_names for ws in self.workbook.worksheets),
        ]
        for names in scopes:
            for name, defined in list(names.items()):
                key = keys.get(str(name).lower())
                if key is None:
                    continue
                for title, ref in defined.destinations:
                    if title not in self.workbook.sheetnames:
                        continue
                    coord = str(ref).split(":")[0].replace("$", "")
                    letters, number = coordinate_from_string(coord)
                    ws = self.workbook[title]
                    row, col = number - 1, column_index_from_string(letters) - 1
                    text = _text_at(self.pieces, title, row, col, ws[coord].value)
                    self.fields.add(key, text, f"Sheet '{title}', cell {letters}{number}")
                    self.named.add(key)
                    for sheet in self.sheets:
                        if sheet.title == title:
                            sheet.used.add((row, col))
                    break

    def _rows(self, sheet: _Sheet) -> None:
        """Repeating tables: a header row naming our columns, then every row beneath it.

        The table runs to the sheet's last row with a value (past the blank form's prepared
        rows and any empty rows) unless a row starts something else (:meth:`_ends_table`).
        """
        r = 0
        while r < len(sheet.grid):
            header = header_map(sheet.grid[r], self.form)
            if header is None:
                r += 1
                continue
            sheet.used.update((r, c) for c in range(len(sheet.grid[r])))
            r += 1
            while r < len(sheet.grid) and not self._ends_table(sheet.grid[r]):
                cells = sheet.grid[r]
                sheet.used.update((r, c) for c in range(len(cells)))
                if not header.is_header(cells, self.form):
                    self._outside(sheet, r, set(header.positions))
                    row = make_row(
                        self.form, header, cells, f"Sheet '{sheet.title}', row {r + 1}", self.record
                    )
                    if row is not None:
                        self.record.rows.append(row)
                r += 1

    def _outside(self, sheet: _Sheet, row: int, columns: set[int]) -> None:
        """Text typed in a table's row but outside its columns: told, never dropped quietly."""
        for col, text in enumerate(sheet.grid[row]):
            if col in columns or not text.strip():
                continue
            sheet.used.add((row, col))
            shown = " ".join(text.split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            self.record.not_carried.append(
                FieldValue(
                    f'the text "{shown}", typed outside the table\'s columns,',
                    sheet.where(row, col),
                )
            )

    def _ends_table(self, cells: list[str]) -> bool:
        """A row that starts something else: a field label, a section or a details heading.

        Blank rows do not end a table: officers skip a row of the blank form's spare rows.
        """
        first = next((c for c in cells if c.strip()), "")
        return bool(first) and (
            match_field_label(self.form, first) is not None
            or match_section(self.form, first) is not None
            or is_details_heading(first)
        )

    def _add_section(
        self,
        sheet: _Sheet,
        key: str,
        heading: str,
        cells: list[tuple[int, int]],
        at: tuple[int, int],
    ) -> None:
        """A section's text from ``cells`` (in order; each cell starts a new line)."""
        current = self.sections.get(key)
        if current is not None and not current.is_empty:
            return
        runs: list[Run] = []
        for row, col in cells:
            runs += [*sheet.runs(row, col), Run("\n")]
        self.sections[key] = SectionContent(key, heading, run_blocks(runs), sheet.where(*at))

    def _section_sheet(self, sheet: _Sheet) -> bool:
        """A "Section | Text" sheet; rows with a blank section cell continue the one above."""
        for r, cells in enumerate(sheet.grid):
            names = [normalise(c) for c in cells]
            s_col = next((i for i, n in enumerate(names) if n in _SECTION_HEADERS), None)
            t_col = next((i for i, n in enumerate(names) if n in _TEXT_HEADERS), None)
            if s_col is None or t_col is None or t_col <= s_col:
                continue
            sheet.used.update((r, c) for c in range(len(cells)))
            gathered: list[tuple[str, str, list[tuple[int, int]], tuple[int, int]]] = []
            for n in range(r + 1, len(sheet.grid)):
                row = sheet.grid[n]
                label, text = row[s_col].strip(), row[t_col] if t_col < len(row) else ""
                if not label and not text.strip():
                    continue
                sheet.used.update(((n, s_col), (n, t_col)))
                self._outside(sheet, n, {s_col, t_col})
                if not label and gathered:
                    gathered[-1][2].append((n, t_col))
                    continue
                section = match_section(self.form, label) if label else None
                if section is None:
                    self.record.unplaced.append(
                        FieldValue(
                            f"a section the {self.form.label.lower()} form does not have: {label!r}",
                            sheet.where(n, s_col),
                        )
                    )
                    continue
                gathered.append((section.key, label, [(n, t_col)], (n, t_col)))
            for key, heading, parts, at in gathered:
                self._add_section(sheet, key, heading, parts, at)
            return True
        return False

    def _section_labels(self, sheet: _Sheet) -> None:
        """A cell naming a section with the section's text in the next filled cell to its right."""
        for r, cells in enumerate(sheet.grid):
            for c, cell in enumerate(cells):
                if (r, c) in sheet.used or not cell.strip():
                    continue
                section = match_section(self.form, cell)
                if section is None:
                    continue
                nxt = sheet.next_filled(r, c, self.guidance)
                sheet.used.add((r, c))
                if nxt is not None:
                    sheet.used.add((r, nxt))
                text = [] if nxt is None else [(r, nxt)]
                self._add_section(
                    sheet, section.key, cell.strip(), text, (r, c + 1 if nxt is None else nxt)
                )

    def _labels(self, sheet: _Sheet) -> None:
        """Label | value pairs: the value is the next filled cell to the label's right."""
        for r, cells in enumerate(sheet.grid):
            c = 0
            while c < len(cells):
                cell = cells[c]
                if (r, c) in sheet.used or not cell.strip():
                    c += 1
                    continue
                key = match_field_label(self.form, cell)
                if key is not None and key in self.named:
                    c += 1  # the defined name already said where this answer is
                    continue
                if key is not None:
                    nxt = sheet.next_filled(r, c, self.guidance)
                    if (
                        nxt is not None
                        and (r, nxt) not in sheet.used
                        and match_field_label(self.form, cells[nxt]) is None
                    ):
                        self.fields.add(key, cells[nxt].strip(), sheet.where(r, nxt))
                        c = nxt + 1
                        continue
                    self.fields.add(key, "", sheet.where(r, c + 1))
                elif "\n" not in cell.strip() and (pair := split_label(cell)):
                    lkey = match_field_label(self.form, pair[0])
                    if lkey is not None:
                        self.fields.add(lkey, pair[1], sheet.where(r, c))
                c += 1
