"""What the register tests share: the day they run on, our headers, and LibreOffice reading.

Not a conftest: the register tests import these by name.
"""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path

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


def parts(path: Path) -> dict[str, bytes]:
    """Every part of an .xlsx file, by name, read with the standard library."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}
