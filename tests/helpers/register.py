"""What the register tests share: the day they run on, our headers, and LibreOffice reading.

Not a conftest: the register tests import these by name.
"""

from __future__ import annotations

import csv
import subprocess
from datetime import date
from pathlib import Path

from pipeline.register.workbook import COLUMNS

TODAY = date(2026, 11, 23)
HEADERS = [c.header for c in COLUMNS]


def libreoffice(path: Path, to: str, outdir: Path) -> Path:
    """``path`` converted by LibreOffice (``to`` as ``--convert-to`` takes it) into ``outdir``.

    The profile lives beside ``outdir``, so tests never share or touch a user's profile.
    """
    profile = (outdir.parent / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return outdir / f"{path.stem}.{to.split(':')[0]}"


def libreoffice_csv(path: Path, outdir: Path) -> list[list[str]]:
    """The workbook's first sheet as LibreOffice reads it, as CSV rows."""
    with open(
        libreoffice(path, "csv", outdir), newline="", encoding="utf-8", errors="replace"
    ) as fh:
        return list(csv.reader(fh))
