"""A Word form's body as a flat list of paragraphs and tables, in reading order.

The reader (:mod:`pipeline.forms.docx_reader`) walks this list once. Text boxes are read
here, where they stand: the paragraphs inside a box follow the paragraph it is anchored in,
read from the drawing once (never again from Word's fallback copy for old readers). A
table's pictures, notes and link addresses, which a table of plain cells cannot hold, are
gathered with it so the reader can carry the notes and name the rest.

It only reads; what is a field, a section or a heading is the reader's to decide.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.oxml.ns import qn

from pipeline.forms.common import is_appendix_heading
from pipeline.forms.detect import Evidence
from pipeline.forms.docx_blocks import (
    NOTE_REFS,
    W_P,
    WordPara,
    element_lines,
    in_fallback,
    inline_text,
    iter_blocks,
    read_paragraph,
    table_rows,
    text_boxes,
)
from pipeline.forms.docx_figures import Drawings, paragraph_drawings
from pipeline.forms.docx_notes import note_places
from pipeline.forms.docx_package import Element
from pipeline.forms.docx_styles import DocContext


@dataclass
class Para:
    para: WordPara
    tag: str | None
    drawings: Drawings = field(default_factory=Drawings)

    @property
    def text(self) -> str:
        return self.para.text.strip()


@dataclass
class TableItem:
    index: int  # 1-based, in body order
    rows: list[list[str]]  # cell texts, paragraphs joined with newlines
    notes: list[int] = field(default_factory=list)  # places of the notes its cells point at
    lost: list[str] = field(default_factory=list)  # what its cells hold that cells cannot


Item = Para | TableItem


def read_items(body: Element, ctx: DocContext) -> list[Item]:
    """The body's paragraphs and tables in order, each text box's after its anchor's."""
    items: list[Item] = []
    _collect(body, ctx, items, None, itertools.count(1))
    return items


def _collect(
    parent: Element, ctx: DocContext, items: list[Item], outer: str | None, tables: Iterator[int]
) -> None:
    for el, tag in iter_blocks(parent, outer):
        if el.tag == W_P:
            items.append(Para(read_paragraph(el, ctx), tag, paragraph_drawings(el, ctx)))
            for box in text_boxes(el):
                _collect(box, ctx, items, tag, tables)
        else:
            index = next(tables)
            rows = [["\n".join(element_lines(tc, ctx)) for tc in row] for row in table_rows(el)]
            items.append(TableItem(index, rows, *_table_extras(el, ctx)))


def _table_extras(tbl: Element, ctx: DocContext) -> tuple[list[int], list[str]]:
    """The notes a table's cells point at, and what in them a plain cell cannot carry:
    pictures, drawings, and the addresses of links (their words stay in the cell)."""
    notes: list[int] = []
    lost: list[str] = []
    has_notes = next(tbl.iter(*NOTE_REFS), None) is not None
    has_drawings = next(tbl.iter(qn("w:drawing"), qn("w:pict")), None) is not None
    for p in tbl.iter(W_P) if has_notes or has_drawings else ():
        if in_fallback(p, tbl):
            continue
        if has_notes:
            notes += note_places(read_paragraph(p, ctx).runs)
        drawings = paragraph_drawings(p, ctx)
        lost += [f"a picture ('{f.alt or f.filename}')" for f in drawings.figures]
        lost += drawings.not_carried
    for link in tbl.iter(qn("w:hyperlink")):
        target = ctx.link(link)
        if target and not in_fallback(link, tbl):
            words = inline_text(link, ctx).strip()
            lost.append(f"the address of the link '{words[:60]}' ({target[:200]})")
    return notes, lost


def evidence(items: list[Item], marker: str | None) -> Evidence:
    """What the form-type detector needs: the marker, and the text before any appendix."""
    whole: list[str] = []
    body_end: int | None = None
    for item in items:
        if isinstance(item, Para):
            if body_end is None and whole and is_appendix_heading(item.text):
                body_end = len(whole)
            whole.append(item.text)
        else:
            whole.extend(cell for row in item.rows for cell in row if cell.strip())
    body = whole[:body_end] if body_end is not None else whole
    return Evidence(
        marker=marker,
        body=tuple(body),
        whole=tuple(whole),
        kind_label="a Word document",
        nothing="a Word document with no policy headings, details table or form labels we know",
    )
