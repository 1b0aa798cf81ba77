"""Reading a Word form into a :class:`FormRecord`.

Officers do not keep to one layout: details come as a two-column table, as label | value
rows in a wider table, as "Label: value" lines (the framework's own "Policy Details" block
sits at the end), or in content controls tagged with the field key. Sections start at a
heading that names them however it is written (a Heading style, a bold line, "8. The
Policy"). Everything between sections keeps its shape (paragraphs, sub-headings, list
items, tables, bold, italic, links) so the assembled policy says exactly what they wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.forms.common import (
    FieldCollector,
    header_map,
    is_appendix_heading,
    is_details_heading,
    make_row,
    match_field_label,
    match_section,
    split_label,
    strip_para_number,
)
from pipeline.forms.detect import choose_form
from pipeline.forms.docx_blocks import (
    W_P,
    W_SDT,
    W_SDT_CONTENT,
    WordPara,
    element_lines,
    has_text,
    in_fallback,
    inline_text,
    sdt_tag,
    section_block,
    showing_placeholder,
)
from pipeline.forms.docx_figures import Drawings
from pipeline.forms.docx_items import Item, Para, TableItem, evidence, read_items
from pipeline.forms.docx_notes import NoteTexts, add_notes, note_places, number_notes
from pipeline.forms.docx_package import Element, WordPackage
from pipeline.forms.docx_revisions import tracked_changes
from pipeline.forms.docx_styles import DocContext
from pipeline.forms.markers import read_marker_docx
from pipeline.framework import FormType, Framework
from pipeline.records import (
    Block,
    FieldValue,
    Figure,
    FormRecord,
    Note,
    SectionContent,
    SubHeading,
    Table,
)

_SHORT = 15  # words: longer lines are text, not headings or titles
SECTION_TAG_PREFIX = "section:"  # blank forms tag a section's control "section:<key>"


@dataclass
class _Open:
    """A section being filled."""

    key: str
    heading: str
    location: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # its footnotes and endnotes, numbered


def read_docx(
    path: Path, framework: Framework, parts: Mapping[str, bytes] | None = None
) -> FormRecord:
    """Read a Word form (from ``parts``, the gate's bytes, when given); the caller turns
    parser failures into a rejection."""
    with WordPackage(path, parts) as package:
        ctx = DocContext(package)
        items = read_items(package.body, ctx)
        form = framework.form(choose_form(framework, evidence(items, read_marker_docx(package))))
        record = _Reader(form, path, items, ctx, package.body).read()
    record.revisions = tracked_changes(package.body)
    return record


class _Reader:
    """One pass over the body: fields, sections and table rows for one form type."""

    def __init__(
        self,
        form: FormType,
        path: Path,
        items: list[Item],
        ctx: DocContext,
        body: Element,
    ) -> None:
        self.form, self.items, self.ctx, self.body = form, items, ctx, body
        self.notes = NoteTexts(ctx)
        self.noted: set[int] = set()  # places of the notes carried into a section
        self.record = FormRecord(form_type=form.key, source=path)
        self.fields = FieldCollector()
        self.opened: dict[str, _Open] = {}
        self.current: _Open | None = None
        self.mode = "before"  # "before" | "section" | "details"
        self.block: tuple[str, list[str], str] | None = None  # a question and its answer lines
        self.titles: list[tuple[int, str]] = []  # (preference, text) before the first section
        self.field_keys = {f.key.lower(): f.key for f in form.fields}
        self.section_keys = {s.key.lower(): s for s in form.sections}

    def read(self) -> FormRecord:
        self._controls()
        self.lines = self._field_lines()
        for index, item in enumerate(self.items):
            if isinstance(item, TableItem):
                self._close_block()
                self._table(item)
            else:
                if item.text:
                    self._paragraph(index, item)
                self._drawings(item.drawings)
            self._notes_left(item)
        self._close_block()
        self._title_fallback()
        self.record.fields = self.fields.values
        self.record.sections = [
            SectionContent(o.key, o.heading, (*o.blocks, *o.notes), o.location)
            for o in sorted(self.opened.values(), key=lambda o: self._order(o.key))
        ]
        return self.record

    def _order(self, key: str) -> int:
        return next(i for i, s in enumerate(self.form.sections) if s.key == key)

    # -- fields -----------------------------------------------------------------------

    def _controls(self) -> None:
        """Content controls tagged with a field key: the most explicit place a value can be."""
        for sdt in self.body.iter(W_SDT):
            if in_fallback(sdt):
                continue  # a text box's copy for old readers: the box itself is read
            tag = sdt_tag(sdt)
            key = self.field_keys.get(tag.lower()) if tag else None
            content = sdt.find(W_SDT_CONTENT)
            if key is None or content is None:
                continue
            text = "" if showing_placeholder(sdt) else "\n".join(element_lines(content, self.ctx))
            if not text and content.find(W_P) is None and not showing_placeholder(sdt):
                text = inline_text(content, self.ctx)  # an inline control: runs, no paragraphs
            self.fields.add(key, text, f"the '{tag}' box")

    def _field_lines(self) -> dict[int, tuple[str, str]]:
        """ "Label: value" paragraphs naming a field, by item index.

        Inside a section a lone one is ordinary text ("Consultation: we asked ..."); only a
        run of two or more (a details block) is read as fields.
        """
        found: dict[int, tuple[str, str]] = {}
        for index, item in enumerate(self.items):
            if isinstance(item, Para) and (pair := split_label(item.text)):
                key = match_field_label(self.form, pair[0])
                if key is not None:
                    found[index] = (key, pair[1])
        return found

    def _in_block_run(self, index: int) -> bool:
        for step in (-1, 1):
            j = index + step
            while 0 <= j < len(self.items):
                item = self.items[j]
                if isinstance(item, Para) and not item.text:
                    j += step
                    continue
                if j in self.lines:
                    return True
                break
        return False

    def _close_block(self) -> None:
        if self.block is not None:
            key, answer, location = self.block
            self.fields.add(key, "\n".join(answer), location)
            self.block = None

    def _row_fields(self, table: TableItem) -> int:
        """Label | value pairs in a table's rows; returns how many rows held one.

        A label's value is the next cell (unless that is a label too: then it is a header
        row), the rest of the label's own cell, or the text after "Label:" on a line.
        """
        found = 0
        for r, cells in enumerate(table.rows, start=1):
            location = f"table {table.index}, row {r}"
            pairs: list[tuple[str, str]] = []
            i = 0
            while i < len(cells):
                cell = cells[i]
                head, _, rest = cell.partition("\n")
                nxt = cells[i + 1] if i + 1 < len(cells) else ""
                if (key := match_field_label(self.form, cell)) is not None:
                    if match_field_label(self.form, nxt) is None:
                        pairs.append((key, nxt.strip()))
                        i += 1  # the value cell is used
                elif (key := match_field_label(self.form, head)) is not None:
                    pairs.append((key, rest.strip()))
                else:
                    for line in cell.split("\n"):
                        pair = split_label(line)
                        if pair and (key := match_field_label(self.form, pair[0])) is not None:
                            pairs.append((key, pair[1]))
                i += 1
            for key, value in pairs:
                self.fields.add(key, value, location)
            found += bool(pairs) or self._stacked(table, r, cells)
        return found

    def _stacked(self, table: TableItem, r: int, cells: list[str]) -> bool:
        """A one-cell question row with its answer in the one-cell row beneath."""
        filled = [c for c in cells if c.strip()]
        if len(filled) != 1 or r >= len(table.rows):
            return False
        key = match_field_label(self.form, filled[0])
        below = [c for c in table.rows[r] if c.strip()]
        if key is None or len(set(below)) != 1 or match_field_label(self.form, below[0]):
            return False
        return self.fields.add(key, below[0].strip(), f"table {table.index}, row {r + 1}") or True

    # -- tables -----------------------------------------------------------------------

    def _table(self, table: TableItem) -> None:
        where = self._place(table.index)  # a cell holds text: no pictures, no link addresses
        self.record.not_carried.extend(FieldValue(lost, where) for lost in table.lost)
        for r, cells in enumerate(table.rows):
            header = header_map(cells, self.form)
            if header is None:
                continue
            self._row_fields(TableItem(table.index, table.rows[:r]))
            for n, row_cells in enumerate(table.rows[r + 1 :], start=r + 2):
                if header.is_header(row_cells, self.form):
                    continue
                row = make_row(
                    self.form, header, row_cells, f"table {table.index}, row {n}", self.record
                )
                if row is not None:
                    self.record.rows.append(row)
            return
        if self.mode == "section" and self.current is not None:
            field_rows = sum(1 for row in table.rows if self._row_has_label(row))
            if field_rows < max(2, (len(table.rows) + 1) // 2):
                kept = tuple(tuple(r) for r in table.rows if any(c.strip() for c in r))
                if kept:
                    self.current.blocks.append(Table(kept, header=True))
                    add_notes(table.notes, self.current.notes, self.notes)
                    self.noted.update(table.notes)
                    lost = self.notes.pictures_in(table.notes)
                    self.record.not_carried += [FieldValue(w, self._place()) for w in lost]
                return
        if self._row_fields(table) == 0 and self.mode == "before":
            for cells in table.rows:
                filled = [c for c in cells if c.strip()]
                if len(set(filled)) == 1:
                    self.titles.append((3, filled[0].split("\n")[0].strip()))

    def _row_has_label(self, cells: list[str]) -> bool:
        return any(match_field_label(self.form, c) for c in cells)

    # -- paragraphs -------------------------------------------------------------------

    def _paragraph(self, index: int, item: Para) -> None:
        text, para = item.text, item.para
        line = self.lines.get(index)
        if para.guidance:
            return
        tag = item.tag.lower() if item.tag else None
        if tag in self.field_keys:
            return  # read by _controls
        if tag and tag.startswith(SECTION_TAG_PREFIX):
            tag = tag[len(SECTION_TAG_PREFIX) :]
        section = self.section_keys.get(tag) if tag else None
        if section is not None and (self.current is None or self.current.key != section.key):
            self._start(section.key, section.title, f"the '{item.tag}' box")
        named = match_section(self.form, text)
        if named is not None and self._may_start(named.key):
            self._start(named.key, text, f"the heading '{text}'")
            return
        if is_details_heading(text):
            self._close_block()
            self.mode = "details"
            return
        headingish = para.heading or (para.bold_only and _short(text)) or is_appendix_heading(text)
        if line is not None and (self.mode != "section" or self._in_block_run(index)):
            self._close_block()
            self.fields.add(line[0], line[1], f"the line '{text[:60]}'")
            return
        if self.mode != "section" and (key := match_field_label(self.form, text)) is not None:
            self._close_block()
            self.block = (key, [], f"the text under '{text[:60]}'")
            return
        if self.block is not None:
            if not headingish:
                self.block[1].append(text)
                return
            self._close_block()
        if self.mode == "section" and self.current is not None:
            if headingish:
                self.current.blocks.append(SubHeading(strip_para_number(text)))
            else:
                block = number_notes(section_block(para), self.current.notes, self.notes)
                self.noted.update(note_places(para.runs))
                lost = self.notes.pictures_in(note_places(para.runs))
                self.record.not_carried += [FieldValue(what, self._place()) for what in lost]
                self.current.blocks.append(block)
        elif self.mode == "details":
            if headingish and self.current is not None:
                self.mode = "section"
                self.current.blocks.append(SubHeading(strip_para_number(text)))
            else:
                self.record.unplaced.append(FieldValue(text, "the details block"))
        elif _short(text) or (_styled_title(para) and _short(text.rstrip().removesuffix("."))):
            if _styled_title(para):
                # "Carers Support Policy." in Word's Title style is the title, not a sentence.
                text = text.rstrip().removesuffix(".").rstrip()
            self.titles.append(
                (0 if para.style.lower() == "title" else 1 if headingish else 2, text)
            )
            if headingish and self.form.sections and self.titles[0][1] != text:
                self.record.unplaced.append(
                    FieldValue(
                        f"a heading the {self.form.label.lower()} form does not have: {text!r}",
                        "before the first section",
                    )
                )

    def _drawings(self, drawings: Drawings) -> None:
        """Pictures go into the open section, numbered there; nothing else is carried."""
        section = self.current if self.mode == "section" else None
        where = self._place()
        for figure in drawings.figures:
            if section is None:  # the details or the title: no place for a picture there
                what = f"a picture ('{figure.alt or figure.filename}')"
                self.record.not_carried.append(FieldValue(what, where))
                continue
            number = 1 + sum(isinstance(b, Figure) for b in section.blocks)
            section.blocks.append(replace(figure, place=f"Picture {number} in {where}"))
        for lost in drawings.not_carried:
            self.record.not_carried.append(FieldValue(lost, where))

    def _notes_left(self, item: Item) -> None:
        """Notes pointed at from where no section carries them (the details, the title, a
        heading): the officer is told which, and where."""
        places = item.notes if isinstance(item, TableItem) else note_places(item.para.runs)
        if not places:
            return
        where = self._place(item.index if isinstance(item, TableItem) else None)
        for place in places:
            if place not in self.noted:
                words = " ".join(self.notes.text(place).split()[:8])
                what = f"a {self.notes.kind(place)} ('{words}')" if words else "an empty note"
                self.record.not_carried.append(FieldValue(what, where))

    def _place(self, table: int | None = None) -> str:
        """Where the reader is, as a message names it ("table 2 in section '8. The Policy'")."""
        if self.mode == "section" and self.current is not None:
            place = f"section '{self.current.heading}'"
        elif self.mode == "details":
            place = "the details"
        else:
            where = "before the first section"
            return f"table {table}, {where}" if table else f"the text {where}"
        return f"table {table} in {place}" if table else place

    def _may_start(self, key: str) -> bool:
        opened = self.opened.get(key)
        return opened is None or not any(has_text(b) for b in opened.blocks)

    def _start(self, key: str, heading: str, location: str) -> None:
        self._close_block()
        self.current = _Open(key, heading, location)
        self.opened[key] = self.current
        self.mode = "section"

    def _title_fallback(self) -> None:
        """A policy's title is often its first line, not a labelled field (Appendix 3)."""
        title = self.form.title_field
        if not self.form.sections or title in self.fields.values or not self.titles:
            return
        best = min(self.titles, key=lambda t: t[0])
        self.fields.add(title, best[1], "the document's title")


def _styled_title(para: WordPara) -> bool:
    """A paragraph Word styles as the document's title or a heading."""
    return para.style.lower() == "title" or bool(para.heading)


def _short(text: str) -> bool:
    return len(text.split()) <= _SHORT and not text.rstrip().endswith((".", ";", ","))
