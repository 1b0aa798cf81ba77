"""The form type a file carries, read the way the pipeline's readers read it."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from pipeline.forms.markers import read_marker_docx, read_marker_xlsx


def marker_of(path: Path) -> str | None:
    if path.suffix == ".docx":
        return read_marker_docx(Document(str(path)))
    return read_marker_xlsx(load_workbook(path))
