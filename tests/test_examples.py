"""The sample forms in examples/ are what examples/make_examples.py writes, text for text."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests.helpers.markers import marker_of
from tests.helpers.paths import EXAMPLES

SAMPLES = {
    "personal-budgets-policy.docx": None,
    "policy-framework.docx": None,
    "personal-budgets-implementation-plan.docx": "implementation_plan",
    "personal-budgets-consultation-response.docx": "consultation_response",
    "form-with-mistakes.docx": "policy",
    "carers-respite-policy-request.xlsx": "policy_request",
}


def text_of(path: Path) -> str:
    """Everything an officer or the reader could see in the file, in order, as text."""
    lines = [f"marker: {marker_of(path)}"]
    if path.suffix == ".docx":
        doc = Document(str(path))
        for p in doc.element.body.iter(qn("w:p")):
            style = p.pPr.pStyle.val if p.pPr is not None and p.pPr.pStyle is not None else ""
            lines.append(f"{style}| " + "".join(t.text or "" for t in p.iter(qn("w:t"))))
        for sdt in doc.element.body.iter(qn("w:sdt")):
            pr = sdt.find(qn("w:sdtPr"))
            empty = pr.find(qn("w:showingPlcHdr")) is not None
            lines.append(f"control {pr.find(qn('w:tag')).get(qn('w:val'))} empty={empty}")
        lines += sorted(f"link {r.target_ref}" for r in doc.part.rels.values() if r.is_external)
    else:
        wb = load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                lines += [f"{ws.title}!{c.coordinate}={c.value!r}" for c in row if c.value]
        lines += sorted(f"name {n}={d.attr_text}" for n, d in wb.defined_names.items())
    return "\n".join(lines)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    subprocess.run(
        [sys.executable, str(EXAMPLES / "make_examples.py"), str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def test_the_script_writes_exactly_the_committed_samples(regenerated: Path) -> None:
    made = {p.name for p in regenerated.iterdir() if p.suffix in (".docx", ".xlsx")}
    committed = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".docx", ".xlsx")}
    assert made == committed == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_committed_sample_is_reproducible(regenerated: Path, name: str) -> None:
    assert text_of(EXAMPLES / name) == text_of(regenerated / name), (
        f"examples/{name} is out of date: run .venv/bin/python examples/make_examples.py"
    )


@pytest.mark.parametrize(("name", "marker"), sorted(SAMPLES.items()))
def test_marker_only_on_samples_made_from_blank_forms(name: str, marker: str | None) -> None:
    assert marker_of(EXAMPLES / name) == marker


def test_personal_budgets_policy_keeps_the_seed_shape() -> None:
    text = text_of(EXAMPLES / "personal-budgets-policy.docx")
    assert "Heading1| 8. The Policy" in text
    assert "Heading2| Choice and control" in text
    assert "link https://www.legislation.gov.uk/ukpga/2014/23/contents" in text
    assert "8.13 You may want a nominated person" in text
    with zipfile.ZipFile(EXAMPLES / "personal-budgets-policy.docx") as z:
        assert "lowerLetter" in z.read("word/numbering.xml").decode()


def test_policy_framework_ends_with_the_policy_details_block() -> None:
    doc = Document(str(EXAMPLES / "policy-framework.docx"))
    texts = [p.text for p in doc.paragraphs]
    details = texts[texts.index("Policy Details") + 1 :]
    assert details[0] == "Version: 1.4"
    assert "Next review date: October 2024" in details
    assert details[-2:] == ["Change type: Minor change", "Sign-off level: Policy Manager"]


def test_mistakes_form_leaves_business_owner_and_why_empty() -> None:
    text = text_of(EXAMPLES / "form-with-mistakes.docx")
    assert "control business_owner empty=True" in text
    assert "control section:why empty=True" in text
    assert "control approval_date empty=False" in text
    assert "| 31/02/2026" in text
