"""A Word form with some of its details table's values set (a row added where it has none)."""

from __future__ import annotations

import io

import docx


def with_values(form: bytes, values: dict[str, str]) -> bytes:
    """``form`` with each label's value in its first table set to ``values[label]``."""
    document = docx.Document(io.BytesIO(form))
    table = document.tables[0]
    left = dict(values)
    for row in table.rows:
        label = row.cells[0].text.strip()
        if label in left:
            row.cells[1].text = left.pop(label)
    for label, value in left.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
