"""What reading bold and italic inside Excel cells costs (``pipeline.forms.xlsx_runs``).

Reads three policies with ``read_xlsx`` as it is, and with the runs switched off (every
cell then gives its plain text, as before runs were read): a one-sheet policy with four
rich section cells, and a "Section | Text" sheet of 2,000 rich cells as openpyxl writes it
(inline strings) and as LibreOffice saves it (shared strings, as Excel does). Prints the
median CPU time of 7 reads each (CPU, not wall time: the machine is shared). It measures;
it changes nothing on disk but its own temporary folder, removed at the end.

    PYTHONPATH=. .venv/bin/python benchmarks/xlsx_runs.py
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pipeline.convert.base import find_soffice
from pipeline.forms import xlsx_runs
from pipeline.forms.xlsx_reader import read_xlsx
from pipeline.framework_load import default_framework

BOLD, ITALIC = InlineFont(b=True), InlineFont(i=True)


def _rich(n: int) -> CellRichText:
    return CellRichText([f"Line {n} ", TextBlock(BOLD, "bold"), " and ", TextBlock(ITALIC, "it")])


def _policy(path: Path, rows: int) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Policy title", "Big Policy"])
    ws.append(["Version", "1"])
    for n, title in enumerate(["Who this policy applies to", "Why we have this policy"]):
        ws.append([title, _rich(n)])
    sections = wb.create_sheet("Sections")
    sections.append(["Section", "Text"])
    sections.append(["The Policy", _rich(0)])
    for n in range(1, rows):
        sections.append([None, _rich(n)])
    wb.save(path)
    return path


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xlsx-runs-") as name:
        measure(Path(name))


def measure(folder: Path) -> None:
    framework = default_framework()
    small, big = _policy(folder / "policy.xlsx", 2), _policy(folder / "big.xlsx", 2000)
    saved = folder / "lo"
    subprocess.run(
        [find_soffice("soffice"), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(saved), str(big)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    real = xlsx_runs.CellRuns.of
    plain: Callable[..., None] = lambda *_: None  # noqa: E731 - every cell its plain text
    for path, what in (
        (small, "4 rich cells"),
        (big, "2,000 inline"),
        (saved / big.name, "2,000 shared"),
    ):
        times = {}
        for label, of in (("plain", plain), ("runs", real)):
            xlsx_runs.CellRuns.of = of  # type: ignore[method-assign]
            spent = []
            for _ in range(7):
                start = time.process_time()
                read_xlsx(path, framework)
                spent.append(time.process_time() - start)
            times[label] = statistics.median(spent) * 1000
        extra = times["runs"] / times["plain"] - 1
        print(
            f"{what}: {times['plain']:.1f} ms plain, {times['runs']:.1f} ms with runs ({extra:+.0%})"
        )
    xlsx_runs.CellRuns.of = real  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
