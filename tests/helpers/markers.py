"""The form type a file carries, read the way the pipeline's readers read it."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from pipeline.forms.docx_package import WordPackage
from pipeline.forms.markers import read_marker_docx, read_marker_xlsx


def marker_of(path: Path) -> str | None:
    if path.suffix == ".docx":
        with WordPackage(path) as package:
            return read_marker_docx(package)
    return read_marker_xlsx(load_workbook(path))
