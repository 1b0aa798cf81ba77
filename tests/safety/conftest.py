"""The safety tests' shared fixtures: a real Word and a real Excel form to craft files from."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

# -- crafting files ---------------------------------------------------------------------


@pytest.fixture
def docx_file(tmp_path: Path) -> Path:
    path = tmp_path / "form.docx"
    document = docx.Document()
    document.add_paragraph("Policy title")
    document.save(str(path))
    return path


@pytest.fixture
def xlsx_file(tmp_path: Path) -> Path:
    path = tmp_path / "form.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Policy title"  # type: ignore[index]
    workbook.save(path)
    return path
