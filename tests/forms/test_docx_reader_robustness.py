"""Reading Word forms that are not ours, damaged, blank, committed examples and the real-world
corpus: a record or a rejection, never anything else.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.errors import RejectedFile
from pipeline.forms.blank.write import write_blank_forms
from pipeline.framework import Framework
from tests.helpers.docx_reading import read
from tests.helpers.paths import EXAMPLES

from .conftest import Doc, run_corpus

# -- rejections and robustness ------------------------------------------------------------


def test_an_unrelated_document_is_not_one_of_our_forms(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("Minutes of the team meeting", 1)
    d.para("Present: everyone. Apologies: none.")
    with pytest.raises(RejectedFile) as caught:
        read(d.save(tmp_path / "minutes.docx"), framework)
    assert caught.value.reason.startswith(
        "not one of our forms: a Word document with no policy headings"
    )
    assert "pipeline forms" in caught.value.advice


def test_random_bytes_in_a_docx_zip_are_a_damaged_file(
    tmp_path: Path, framework: Framework
) -> None:
    path = tmp_path / "broken.docx"
    good = Doc().save(tmp_path / "good.docx")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, bytes(range(256)) * 4 if item.filename == "word/document.xml" else data
            )
    with pytest.raises(RejectedFile) as caught:
        read(path, framework)
    assert caught.value.reason == "damaged file"
    assert "Save As" in caught.value.advice


def test_not_a_zip_at_all_is_a_damaged_file(tmp_path: Path, framework: Framework) -> None:
    path = tmp_path / "noise.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(RejectedFile, match="damaged file"):
        read(path, framework)


@pytest.mark.parametrize(
    ("name", "form_type"),
    [
        ("personal-budgets-policy.docx", "policy"),
        ("policy-framework.docx", "policy"),
        ("personal-budgets-implementation-plan.docx", "implementation_plan"),
        ("personal-budgets-consultation-response.docx", "consultation_response"),
        ("form-with-mistakes.docx", "policy"),
    ],
)
def test_committed_examples(framework: Framework, name: str, form_type: str) -> None:
    record = read(EXAMPLES / name, framework)
    assert record.form_type == form_type
    assert record.value(framework.form(form_type).title_field)
    if form_type == "policy":
        assert {s.key for s in record.sections} == {"applies_to", "why", "achieve", "policy"}
    if form_type == "implementation_plan":
        assert [r.get("area") for r in record.rows] == [
            a.key for a in framework.form(form_type).areas
        ]


def test_blank_word_forms_read_as_empty(tmp_path: Path, framework: Framework) -> None:
    paths = [p for p in write_blank_forms(framework, tmp_path) if p.suffix == ".docx"]
    assert paths
    for path in paths:
        record = read(path, framework)
        assert record.form_type == path.stem
        assert set(record.fields) == {f.key for f in framework.form(path.stem).fields}
        assert all(v.text == "" for v in record.fields.values()), path.name
        assert all(s.is_empty for s in record.sections), path.name
        assert all(not r.get("action") for r in record.rows)


def test_corpus_never_escapes_anything_but_a_rejection(
    framework: Framework, caplog: pytest.LogCaptureFixture, poi_corpus: Path
) -> None:
    run_corpus("docx", framework, caplog, poi_corpus)
