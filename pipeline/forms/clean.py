"""Characters a form's text may not carry on into the documents and the register.

Word and Excel files are XML, and XML 1.0 cannot hold NUL, most C0 control characters,
U+FFFE, U+FFFF or lone surrogates. Excel still lets officers type them and stores them
escaped (``_x0001_``, ECMA-376 ST_Xstring), and the same escape stores an officer's literal
``_x0041_`` as ``_x005F_x0041_``; openpyxl hands both over still escaped. So the Excel reader
undoes Excel's escape (:func:`excel_unescape`) and replaces what XML cannot hold with U+FFFD
at once, per cell, before any ``strip()`` can eat the controls Python counts as spaces.
Every reader's record then goes through :func:`clean_record`, which replaces anything left
and notes each box holding U+FFFD: the officer is warned, by the box's name, rather than
finding their text silently changed in the published PDF.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.framework import FormType
from pipeline.records import (
    Block,
    FieldValue,
    FormRecord,
    ListItem,
    Note,
    Paragraph,
    Row,
    Run,
    SubHeading,
    Table,
    block_text,
)
from pipeline.xml_chars import REPLACEMENT, XML_ILLEGAL, replace_illegal

_NOTED = re.compile(f"{XML_ILLEGAL.pattern[:-1]}{REPLACEMENT}]")  # illegal, or replaced already
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_unescape(text: str) -> str:
    """The text Excel shows for a string as stored in the file (``_x0041_`` -> ``A``)."""
    if "_x" not in text:
        return text
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def clean_record(record: FormRecord, form: FormType) -> None:
    """Replace XML-illegal characters everywhere in ``record``; note each box it touched."""
    labels = {f.key: f.label for f in form.fields}
    for key, value in list(record.fields.items()):
        if _NOTED.search(value.text):
            record.fields[key] = FieldValue(replace_illegal(value.text), value.location)
            record.replaced.append(FieldValue(labels.get(key, key), value.location))
    titles = {s.key: s.title for s in form.sections}
    for index, section in enumerate(record.sections):
        blocks = tuple(_block(b) for b in section.blocks)
        if blocks != section.blocks or _NOTED.search(section.heading) or _has_noted(blocks):
            heading = replace_illegal(section.heading)
            record.sections[index] = replace(section, heading=heading, blocks=blocks)
            where = section.location or f"heading '{heading}'"
            record.replaced.append(FieldValue(titles.get(section.key, section.key), where))
    columns = {c.key: c.label for c in form.columns}
    for index, row in enumerate(record.rows):
        dirty = [k for k, v in row.cells.items() if _NOTED.search(v)]
        if dirty:
            cells = {k: replace_illegal(v) for k, v in row.cells.items()}
            record.rows[index] = Row(cells, row.location)
            for key in dirty:
                record.replaced.append(FieldValue(columns.get(key, key), row.location))
    for index, note in enumerate(record.unplaced):
        record.unplaced[index] = FieldValue(replace_illegal(note.text), note.location)


def _has_noted(blocks: tuple[Block, ...]) -> bool:
    return any(REPLACEMENT in block_text(b) for b in blocks)


def _runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    return tuple(
        replace(r, text=replace_illegal(r.text)) if XML_ILLEGAL.search(r.text) else r for r in runs
    )


def _block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(_runs(block.runs))
    if isinstance(block, ListItem):
        return ListItem(_runs(block.runs), block.level, block.ordered)
    if isinstance(block, SubHeading):
        return SubHeading(replace_illegal(block.text))
    if isinstance(block, Table):
        rows = tuple(tuple(replace_illegal(c) for c in row) for row in block.rows)
        return Table(rows, block.header)
    if isinstance(block, Note):
        return replace(block, runs=_runs(block.runs))
    return block
