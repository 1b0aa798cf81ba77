"""What the register tests share: the day they run on, our headers, LibreOffice reading,
and a manager typing in the register.

Not a conftest: the register tests import these by name.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from pipeline.register.workbook import COLUMNS
from tests.helpers.soffice import libreoffice

TODAY = date(2026, 11, 23)
HEADERS = [c.header for c in COLUMNS]


def libreoffice_csv(path: Path, outdir: Path) -> list[list[str]]:
    """The workbook's first sheet as LibreOffice reads it, as CSV rows."""
    with open(
        libreoffice(path, "csv", outdir), newline="", encoding="utf-8", errors="replace"
    ) as fh:
        return list(csv.reader(fh))


def type_in(path: Path, typed: dict[str, dict[str, object]], *, who: str = "") -> None:
    """What a manager does in Excel: type into the Register sheet's cells, found by the
    row's Title and the column's header (``typed[title][header]``), and save (with Excel's
    "last modified by" set to ``who``, if given)."""
    wb = load_workbook(path)
    sheet = wb["Register"]
    header = {c.value: c.column for c in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        for column, text in typed.get(str(row[header["Title"] - 1].value), {}).items():
            sheet.cell(row[0].row, header[column], text)
    if who:
        wb.properties.lastModifiedBy = who
    wb.save(path)


def register_rows(path: Path) -> dict[str, dict[str, Cell]]:
    """The Register sheet's cells by row Title, then header (``.value``, ``.comment``)."""
    sheet = load_workbook(path)["Register"]
    header = [c.value for c in sheet[1]]
    out: dict[str, dict[str, Cell]] = {}
    for r in sheet.iter_rows(min_row=2):
        row = dict(zip(header, r, strict=True))
        out[str(row["Title"].value)] = row  # type: ignore[assignment]
    return out
