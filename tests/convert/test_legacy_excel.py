"""Excel forms in the other formats officers have (.xls, .ods): converted, then read like .xlsx.

The copies are made with ``soffice --convert-to`` from the Excel forms (the sample policy
request, a policy with bold and italic inside its cells, its implementation plan); each
format runs through the whole path (``run_batch``, as ``pipeline run``) in its own
workspace and must give the same PDF text and register values as the .xlsx, with the
register's "Source form" and History keeping the names the officer dropped. The Word
formats have the same test in ``test_legacy.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.framework_load import default_framework
from pipeline.run import run_batch
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.excel_forms import POLICY_ANSWERS, POLICY_SECTIONS, filled_xlsx
from tests.helpers.paths import EXAMPLES
from tests.helpers.pdf_text import content_text
from tests.helpers.soffice import libreoffice

pytestmark = pytest.mark.requires_libreoffice
ExcelRun = tuple[dict[str, str], list[dict[str, object]], list[object], Workspace]


def _excel_forms(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    framework = default_framework()
    areas = framework.form("implementation_plan").areas
    plan = {
        "policy_title": POLICY_ANSWERS["title"],
        "date": POLICY_ANSWERS["approval_date"],  # a real Excel date cell
        "author": "James Martin",
        "business_owner": "Sarah Mackereth",
    }
    request = folder / "carers-respite-policy-request.xlsx"
    shutil.copy(EXAMPLES / request.name, request)
    return [
        request,
        filled_xlsx(
            framework, "policy", folder / "carers-breaks.xlsx", POLICY_ANSWERS,
            sections=POLICY_SECTIONS,
        ),
        filled_xlsx(
            framework, "implementation_plan", folder / "carers-breaks-plan.xlsx", plan,
            rows=[(f"Action for {a.title}", "Jo Adams", "March 2027") for a in areas],
        ),
    ]  # fmt: skip


def _sheet(ws: Workspace, name: str) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(ws.register)[name]
    header = [c.value for c in sheet[1]]
    rows = (
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    )
    return [r for r in rows if any(v is not None for v in r.values())]


@pytest.fixture(scope="module")
def excel_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ExcelRun]:
    """Each format in a workspace of its own: (PDF texts, register rows, History files)."""
    base = tmp_path_factory.mktemp("legacy-excel")
    forms = _excel_forms(base / "xlsx-forms")
    out: dict[str, ExcelRun] = {}
    for ext in ("xlsx", "xls", "ods"):
        ws = init_workspace(base / ext)
        for form in forms:
            copy = form if ext == "xlsx" else libreoffice(form, ext, base / f"{ext}-forms")
            shutil.copy(copy, ws.inbox / copy.name)
        result = run_batch(ws)
        assert not result.rejected, [(r.file, r.reason, r.problems) for r in result.rejected]
        assert sorted(a.file for a in result.accepted) == sorted(f"{f.stem}.{ext}" for f in forms)
        pdfs = {
            f"{a.file.rsplit('.', 1)[0]}/{p.name}": content_text(p)
            for a in result.accepted
            for p in a.outputs
            if p.suffix == ".pdf"
        }
        files = [row["File"] for row in _sheet(ws, "History")]
        out[ext] = (pdfs, _sheet(ws, "Register"), files, ws)
    return out


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_an_excel_copy_gives_the_same_register_and_pdf_text(
    excel_runs: dict[str, ExcelRun], ext: str
) -> None:
    pdfs, rows, files, _ = excel_runs[ext]
    xlsx_pdfs, xlsx_rows, xlsx_files, _ = excel_runs["xlsx"]
    assert len(pdfs) == 3 and pdfs == xlsx_pdfs
    assert "We must offer a break within 28 days" in " ".join(
        pdfs["carers-breaks/policy.pdf"].split()
    )
    # The names the officer dropped, in the register and its History; every other value equal.
    assert files == [f"{name.rsplit('.', 1)[0]}.{ext}" for name in xlsx_files]
    assert [r["Source form"] for r in rows] == [
        f"{str(r['Source form']).rsplit('.', 1)[0]}.{ext}" for r in xlsx_rows
    ]
    volatile = {"Last updated", "Source form"}
    assert [{k: v for k, v in r.items() if k not in volatile} for r in rows] == [
        {k: v for k, v in r.items() if k not in volatile} for r in xlsx_rows
    ]
    assert [r["Status"] for r in rows] == ["requested", "published"]


def _bold_in_pdf(pdf: Path) -> set[str]:
    """The words pypdf sees drawn in a bold or italic font: "word (Bold)", "word (Italic)"."""
    seen: set[str] = set()

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        for look in ("Bold", "Italic"):
            if look in name and text.strip():
                seen.add(f"{text.strip()} ({look})")

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return seen


@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods"])
def test_bold_and_italic_in_a_cell_reach_the_docx_pdf_and_web_page(
    excel_runs: dict[str, ExcelRun], ext: str
) -> None:
    ws = excel_runs[ext][3]
    folder = next(ws.outbox.glob("*/1"))
    runs = [
        (r.text, r.bold, r.italic)
        for p in docx.Document(folder / "policy.docx").paragraphs
        for r in p.runs
    ]
    assert ("must", True, None) in runs and ("28 days", None, True) in runs
    assert ("carer's break", True, True) in runs
    assert {"must (Bold)", "28 days (Italic)", "unpaid carers (Bold)", "planned (Italic)"} <= (
        _bold_in_pdf(folder / "policy.pdf")
    )
    page = (folder / "policy.html").read_text(encoding="utf-8")
    assert "<strong>must</strong>" in page and "<em>28 days</em>" in page
