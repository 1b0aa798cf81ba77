"""What the Word and Excel readers share: rejections, field collection, text to blocks, rows.

Both readers must be exactly as tolerant as each other, so every label, heading, column and
area match goes through :mod:`pipeline.labels` here, and an Excel cell of section text is
cut into paragraphs and list items by the same rules a Word paragraph is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.errors import RejectedFile
from pipeline.framework import Area, Column, FormType, Section
from pipeline.labels import best_match, name_key, normalise
from pipeline.records import Block, FieldValue, FormRecord, ListItem, Paragraph, Row, Run
from pipeline.safety.reasons import DAMAGED, NOT_OURS

MARKER_NAME = "PipelineForm"

_DAMAGED_ADVICE = (
    "part of it could not be read. Open it in Word or Excel, use File > Save As to save a "
    "new copy as a Word Document (.docx) or Excel Workbook (.xlsx), and drop the new copy"
)
_NOT_OURS_ADVICE = (
    "start from one of the blank forms (run `pipeline forms` to get them), copy your "
    "text into it, and drop the filled form again"
)

# Officers' own paragraph numbers ("5.1 ", "8.10** ", "4.1. ", "1. "): the assembler renumbers.
PARA_NUMBER = re.compile(r"^\s*\d{1,3}(?:(?:\.\d{1,3})+\.?|\.)\*{0,2}\s+")
# "- " needs its space ("-5" is a number); a bullet sign is a bullet without one ("•Item":
# LibreOffice drops the tab Word pastes after it when it saves a cell as .ods).
_BULLET = re.compile(r"^(\s*)(?:[-·∙]\s+|[•▪◦‣]\s*(?=\S))")
_LETTERED = re.compile(r"^\s*\(?(?:[a-z]|[ivx]{1,5}|\d{1,2})\)\s+", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LABEL_VALUE = re.compile(r"^([^:\t\n]{1,80}?)\s*(?::|\t)\s*(.*)$", re.DOTALL)
_SEPARATORS = re.compile(r"\s*(?::|\s[-–—|]\s)\s*")
_APPENDIX = re.compile(r"^\s*appendix\s+[\w.]+\b", re.IGNORECASE)
DETAILS_HEADINGS = ("Policy details", "Document details", "Details", "Document control")
_DETAILS_KEYS = frozenset(name_key(h) for h in DETAILS_HEADINGS)
MAX_HEADING_WORDS = 15


def damaged() -> RejectedFile:
    """The rejection for a file a parser choked on: it needs saving again, not rewriting."""
    return RejectedFile(DAMAGED, _DAMAGED_ADVICE)


def not_ours(what: str) -> RejectedFile:
    """The rejection for a readable file that is none of our forms; ``what`` says what it is."""
    return RejectedFile(f"{NOT_OURS}: {what}", _NOT_OURS_ADVICE)


def split_label(text: str) -> tuple[str, str] | None:
    """ "Version: 1.4" -> ("Version", "1.4"); ``None`` when there is no colon or tab."""
    m = _LABEL_VALUE.match(text.strip())
    if not m or not m[1].strip():
        return None
    return m[1].strip(), m[2].strip()


def candidate_strings(text: str) -> list[str]:
    """The label-like pieces of a short text, for recognising a form by its content.

    "Personal Budgets Policy – consultation response" yields the whole and both halves, so
    a detect phrase can match one part of a title without loose substring matching.
    """
    text = text.strip()
    if not text or len(text) > 300:
        return [text[:300]] if text else []
    first = text.split("\n", 1)[0].strip()
    out = [text, first]
    out.extend(p for p in _SEPARATORS.split(first) if p)
    return out


def is_appendix_heading(text: str) -> bool:
    return bool(_APPENDIX.match(text)) and len(text.split()) <= MAX_HEADING_WORDS


def is_details_heading(text: str) -> bool:
    return len(text) < 60 and normalise(text) in _DETAILS_KEYS


def match_section(form: FormType, text: str) -> Section | None:
    """The section a heading names ("8. The Policy", "Purpose of this document:")."""
    if len(text.split()) > MAX_HEADING_WORDS:
        return None
    return best_match(text, ((s, s.names) for s in form.sections))


def match_field_label(form: FormType, text: str) -> str | None:
    """The key of the field a label names, tolerant of case, colons, plurals and aliases."""
    if not text or len(text) > 200:
        return None
    return best_match(text, ((f.key, f.names) for f in form.fields))


def guidance_texts(form: FormType) -> frozenset[str]:
    """The help the blank forms print beside each box, normalised: never an answer."""
    out: set[str] = set()
    helps = [f.help or f.label for f in form.fields] + [s.help or s.title for s in form.sections]
    for words in helps:
        for prefix in ("", "Required. ", "Optional. "):
            out.add(normalise(prefix + words))
    out.discard("")
    return frozenset(out)


def match_area(form: FormType, text: str) -> Area | None:
    """The implementation area a cell starts with: its first line that names an area."""
    options = [(a, (a.title,)) for a in form.areas]
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for line in lines:
        area = best_match(line, options)
        if area is not None:
            return area
    head = normalise(lines[0]) if lines else ""
    for area in form.areas:
        title = normalise(area.title)
        if head.startswith(title + " "):
            return area
    return None


@dataclass
class FieldCollector:
    """Fields as they are found: the first non-empty value wins, an empty one is a placeholder.

    An empty value is kept (with its location) only until a filled one turns up, so the
    validator can still point an officer at the empty box they missed.
    """

    values: dict[str, FieldValue] = field(default_factory=dict)

    def add(self, key: str, text: str, location: str) -> bool:
        current = self.values.get(key)
        if current is not None and current.text.strip():
            return False
        if current is not None and not text.strip():
            return False
        self.values[key] = FieldValue(text, location)
        return True

    def has(self, key: str) -> bool:
        current = self.values.get(key)
        return current is not None and bool(current.text.strip())


def strip_prefix(runs: Sequence[Run], count: int) -> tuple[Run, ...]:
    """Drop the first ``count`` characters across runs (a typed number or list marker)."""
    out: list[Run] = []
    for run in runs:
        if run.note is not None:  # a note's marker: no characters of its own yet
            out.append(run)
            continue
        if count >= len(run.text):
            count -= len(run.text)
            continue
        text = run.text[count:] if count else run.text
        count = 0
        out.append(Run(text, run.bold, run.italic, run.href))
    return tuple(out)


def merge_runs(runs: Sequence[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs that look the same: Word splits runs for its own reasons."""
    out: list[Run] = []
    for run in runs:
        if run.note is not None:  # a note's marker stays a run of its own
            out.append(run)
            continue
        if not run.text:
            continue
        if (
            out
            and out[-1].note is None
            and (out[-1].bold, out[-1].italic, out[-1].href) == (run.bold, run.italic, run.href)
        ):
            last = out.pop()
            run = Run(last.text + run.text, run.bold, run.italic, run.href)
        out.append(run)
    return tuple(out)


def para_number_end(text: str) -> int:
    """Where an officer's paragraph number ends ("5.1 This" -> 4), or 0 when there is none.

    A lower-case word after it means it was not a number but a quantity ("1.5 million").
    """
    m = PARA_NUMBER.match(text)
    if not m or m.end() >= len(text) or text[m.end()].islower():
        return 0
    return m.end()


def strip_para_number(text: str) -> str:
    """``text`` without its paragraph number ("8. The Policy": "The Policy"); a text that
    is nothing but a number stays as it is."""
    return text[para_number_end(text) :].strip() or text.strip()


def typed_block(runs: tuple[Run, ...]) -> Block:
    """A paragraph as typed: "5.1 " numbers are stripped, "- " and "a) " make list items."""
    text = "".join(r.text for r in runs)
    if end := para_number_end(text):
        return Paragraph(strip_prefix(runs, end))
    if m := _BULLET.match(text):
        level = len(m[1].expandtabs(2)) // 2
        return ListItem(strip_prefix(runs, m.end()), level=level, ordered=False)
    if m := _LETTERED.match(text):
        return ListItem(strip_prefix(runs, m.end()), level=0, ordered=True)
    return Paragraph(runs)


def run_blocks(runs: Sequence[Run]) -> tuple[Block, ...]:
    """Text with its looks (an Excel cell's runs) as blocks: one per non-empty line.

    CR LF, CR and LF all end a line (text pasted from Word brings CR LF); blank lines and a
    trailing line break make no block. Each line is then read as a typed paragraph.
    """
    lines: list[list[Run]] = [[]]
    for run in runs:
        for index, part in enumerate(_LINE_BREAK.split(run.text)):
            if index:
                lines.append([])
            if part:
                lines[-1].append(Run(part, run.bold, run.italic, run.href))
    return tuple(
        typed_block(merge_runs(line)) for line in lines if "".join(r.text for r in line).strip()
    )


@dataclass(frozen=True)
class HeaderMap:
    """Which column of a table holds which of the form's row columns."""

    positions: dict[int, str]

    def is_header(self, cells: Sequence[str], form: FormType) -> bool:
        found = header_map(cells, form)
        return found is not None and found.positions == self.positions


def header_map(cells: Sequence[str], form: FormType) -> HeaderMap | None:
    """Map a header row to the form's columns; ``None`` unless it clearly is that header.

    Two named columns are needed and every filled header cell must be one of ours; one
    blank header cell may stand for a column whose aliases allow a blank (the plan's area).
    """
    if not form.columns:
        return None
    options = [(c, c.names) for c in form.columns]
    positions: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        column = best_match(cell, options)
        if column is None or column.key in positions.values():
            return None
        positions[index] = column.key
    if len(positions) < 2:
        return None
    blank_ok: list[Column] = [c for c in form.columns if "" in c.aliases]
    first = min(positions)
    for column in blank_ok:
        if column.key not in positions.values() and first > 0 and not cells[first - 1].strip():
            positions[first - 1] = column.key
    return HeaderMap(positions)


def make_row(
    form: FormType, header: HeaderMap, cells: Sequence[str], location: str, record: FormRecord
) -> Row | None:
    """One row of a repeating table; ``None`` when it is blank. Areas are matched by title."""
    values = {
        key: cells[i].strip() if i < len(cells) else "" for i, key in header.positions.items()
    }
    if not any(values.values()):
        return None
    label = ""
    area_key = form.columns[0].key  # the plan's first column names the area
    if form.areas and area_key in values:
        area = match_area(form, values[area_key])
        if area is not None:
            values[area_key] = area.key
            label = area.title
        elif values[area_key]:
            first_line = values[area_key].split("\n", 1)[0].strip()
            values[area_key] = first_line
            label = first_line
            record.unplaced.append(
                FieldValue(f"a row for an area the plan does not have: {first_line!r}", location)
            )
    return Row(cells=values, location=f"{location} ({label})" if label else location)
