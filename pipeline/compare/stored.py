"""A record as the JSON the journal keeps for each accepted version of a policy.

The next version is compared with this, not with the previous DOCX or PDF, so a version
typed in Excel and one typed in Word compare by what the officer wrote. Only what a
comparison reads is kept (fields as text, sections' blocks); it refuses to guess: a stored
value it does not recognise is an error, never a silently empty section.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.records import (
    Block,
    FieldValue,
    Figure,
    FormRecord,
    ListItem,
    Note,
    Paragraph,
    Run,
    SectionContent,
    SubHeading,
    Table,
)


def _runs(runs: tuple[Run, ...]) -> list[list[Any]]:
    return [[r.text, r.bold, r.italic, r.href] for r in runs]


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"p": _runs(block.runs)}
    if isinstance(block, ListItem):
        return {"li": _runs(block.runs), "level": block.level, "ordered": block.ordered}
    if isinstance(block, SubHeading):
        return {"h": block.text}
    if isinstance(block, Figure):  # compared by alt text and size; the pixels are not kept
        return {"figure": block.alt, "file": block.filename, "size": [block.width, block.height]}
    if isinstance(block, Note):
        return {"note": _runs(block.runs), "n": block.number, "kind": block.kind}
    return {"table": [list(row) for row in block.rows], "header": block.header}


def to_json(record: FormRecord) -> str:
    """The record as compact JSON: form type, fields' text, sections and their blocks."""
    body = {
        "form_type": record.form_type,
        "fields": {k: v.text for k, v in record.fields.items()},
        "sections": [
            {"key": s.key, "heading": s.heading, "blocks": [_block(b) for b in s.blocks]}
            for s in record.sections
        ],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _read_runs(value: list[list[Any]]) -> tuple[Run, ...]:
    return tuple(
        Run(str(t), bool(b), bool(i), h if isinstance(h, str) else None) for t, b, i, h in value
    )


def _read_block(value: dict[str, Any]) -> Block:
    if "p" in value:
        return Paragraph(_read_runs(value["p"]))
    if "li" in value:
        return ListItem(_read_runs(value["li"]), int(value["level"]), bool(value["ordered"]))
    if "h" in value:
        return SubHeading(str(value["h"]))
    if "figure" in value:
        width, height = value["size"]
        return Figure(b"", str(value["file"]), str(value["figure"]), int(width), int(height))
    if "note" in value:
        return Note(int(value["n"]), _read_runs(value["note"]), str(value["kind"]))
    if "table" in value:
        return Table(
            tuple(tuple(str(c) for c in row) for row in value["table"]), bool(value["header"])
        )
    raise ValueError(f"not a stored block: {sorted(value)}")


def from_json(text: str, source: str = "") -> FormRecord:
    """The record :func:`to_json` stored; ``source`` names it (a version) in messages."""
    body = json.loads(text)
    return FormRecord(
        form_type=str(body["form_type"]),
        source=Path(source),
        fields={k: FieldValue(str(v)) for k, v in body["fields"].items()},
        sections=[
            SectionContent(
                key=str(s["key"]),
                heading=str(s["heading"]),
                blocks=tuple(_read_block(b) for b in s["blocks"]),
            )
            for s in body["sections"]
        ],
    )
