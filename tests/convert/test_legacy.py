"""Other formats officers have (.doc, .odt): converted by LibreOffice, then read like .docx.

The copies are made here with ``soffice --convert-to`` from the sample policy; each is run
through the whole path in its own batch and must give the same PDF text as the .docx, with
the register's "Source form" keeping the name the officer dropped.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.outcome import BatchResult
from pipeline.run import run_batch
from pipeline.safety import reasons
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.paths import EXAMPLES
from tests.helpers.soffice import libreoffice

pytestmark = pytest.mark.requires_libreoffice

SAMPLE = EXAMPLES / "personal-budgets-policy.docx"
# The page furniture that carries the time of the run, not the text of the policy.
_STAMPED = re.compile(r"Generated .*|\d{2}:\d{2}")


def _text(pdf: Path) -> str:
    return _STAMPED.sub("", "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages))


def _source(ws: Workspace) -> str:
    sheet = openpyxl.load_workbook(ws.register)["Register"]
    header = [c.value for c in sheet[1]]
    return str(sheet.cell(row=2, column=header.index("Source form") + 1).value)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, BatchResult]]]:
    """Each format in a workspace of its own: (PDF text, batch result, source form)."""
    base = tmp_path_factory.mktemp("legacy")
    copies = {"docx": SAMPLE}
    for ext in ("doc", "odt"):
        copies[ext] = libreoffice(SAMPLE, ext, base / "copies")
    out: dict[str, tuple[str, BatchResult]] = {}
    for ext, path in copies.items():
        ws = init_workspace(base / ext)
        shutil.copy(path, ws.inbox / path.name)
        result = run_batch(ws)
        assert not result.rejected, [(r.file, r.reason, r.problems) for r in result.rejected]
        pdf = next(p for p in result.accepted[0].outputs if p.suffix == ".pdf")
        out[ext] = (_text(pdf), result)
        assert _source(ws) == path.name  # the name the officer dropped, not the converted one
    yield out


@pytest.mark.parametrize("ext", ["doc", "odt"])
def test_a_copy_gives_the_same_pdf_text_as_the_docx(
    runs: dict[str, tuple[str, BatchResult]], ext: str
) -> None:
    text, result = runs[ext]
    assert result.accepted[0].file == f"{SAMPLE.stem}.{ext}"
    assert text == runs["docx"][0]
    assert "Personal Budgets Policy" in text


def test_a_damaged_doc_is_still_refused_with_the_same_message(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    real = libreoffice(SAMPLE, "doc", tmp_path / "copies").read_bytes()
    (ws.inbox / "cut.doc").write_bytes(real[: len(real) // 3])
    result = run_batch(ws)
    assert [r.reason for r in result.rejected] == [reasons.DAMAGED]
