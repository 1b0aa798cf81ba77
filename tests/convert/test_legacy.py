"""Other formats officers have (.doc, .odt, .rtf): converted by LibreOffice, then read like .docx.

The copies are made here with ``soffice --convert-to`` from the sample policy; each is run
through the whole path in its own batch and must give the same PDF text as the .docx, with
the register's "Source form" keeping the name the officer dropped.

The converter's LibreOffice settings are proved on documents that reach outside themselves:
a macro that writes a file, a section linked to a file outside the workspace. Each is first
opened by LibreOffice told to run macros and update links (tests/helpers/uno_control.py),
which shows the document really does it; then the converter must not.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.convert.base import find_uno_python
from pipeline.convert.legacy import convert_legacy
from pipeline.convert.settings import ConverterSettings
from pipeline.outcome import BatchResult
from pipeline.run import run_batch
from pipeline.safety import reasons
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.odf import with_linked_section
from tests.helpers.paths import EXAMPLES
from tests.helpers.soffice import libreoffice
from tests.helpers.uno_control import open_permissively, with_macro

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
    for ext in ("doc", "odt", "rtf"):
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


@pytest.mark.parametrize("ext", ["doc", "odt", "rtf"])
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


SETTINGS = ConverterSettings(mode="oneshot", timeout=120)


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


@pytest.mark.requires_uno
def test_a_macro_never_runs_in_the_converter_and_the_gate_refuses_it_first(
    tmp_path: Path,
) -> None:
    uno_python = find_uno_python()
    assert uno_python is not None
    writes = tmp_path / "outside" / "the-macro-ran.txt"
    writes.parent.mkdir()
    odt = libreoffice(SAMPLE, "odt", tmp_path / "copies")
    macro = with_macro(uno_python, odt, tmp_path / "macro.odt", writes, tmp_path)
    open_permissively(uno_python, macro, tmp_path / "control.docx", tmp_path)
    assert writes.exists(), "the control: run, the macro writes its file"
    writes.unlink()

    converted = convert_legacy(macro, "odt", tmp_path / "converted", SETTINGS, tmp_path / "state")
    assert "Personal Budgets Policy" in _docx_text(converted)
    assert not writes.exists()

    ws = init_workspace(tmp_path / "ws")
    shutil.copy(macro, ws.inbox / "macro.odt")
    result = run_batch(ws)
    assert [r.reason for r in result.rejected] == [reasons.MACROS]
    assert not writes.exists()


SECRET = "Words from a file outside the workspace."
CACHED = "Words the linked section showed when it was last saved."


@pytest.mark.requires_uno
def test_a_link_to_a_file_outside_the_workspace_is_never_updated(tmp_path: Path) -> None:
    uno_python = find_uno_python()
    assert uno_python is not None
    outside = tmp_path / "outside"
    outside.mkdir()
    secret_docx = docx.Document()
    secret_docx.add_paragraph(SECRET)
    secret_docx.save(str(outside / "secret.docx"))
    secret = libreoffice(outside / "secret.docx", "odt", tmp_path / "outside-odt")
    odt = libreoffice(SAMPLE, "odt", tmp_path / "copies")
    linked = with_linked_section(odt, tmp_path / "linked.odt", secret, CACHED)
    control = open_permissively(uno_python, linked, tmp_path / "control.docx", tmp_path)
    assert SECRET in _docx_text(control), "the control: updated, the link brings the file in"

    converted = convert_legacy(linked, "odt", tmp_path / "converted", SETTINGS, tmp_path / "state")
    text = _docx_text(converted)
    assert CACHED in text and SECRET not in text

    ws = init_workspace(tmp_path / "ws")
    shutil.copy(linked, ws.inbox / "linked.odt")
    result = run_batch(ws)
    assert not result.rejected, [(r.file, r.reason, r.problems) for r in result.rejected]
    pdf = _text(next(p for p in result.accepted[0].outputs if p.suffix == ".pdf"))
    assert CACHED in " ".join(pdf.split()) and SECRET not in " ".join(pdf.split())
