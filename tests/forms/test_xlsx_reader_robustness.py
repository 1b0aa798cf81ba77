"""Reading Excel forms that are blank, huge, not ours, damaged, and the real-world corpus: a
record or a rejection, never anything else.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.errors import RejectedFile
from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.xlsx_reader import MAX_ROWS
from pipeline.framework import Framework
from tests.helpers.xlsx_reading import policy_workbook, read, save, workbook

from .conftest import run_corpus


def test_blank_excel_forms_read_as_empty(tmp_path: Path, framework: Framework) -> None:
    paths = [p for p in write_blank_forms(framework, tmp_path) if p.suffix == ".xlsx"]
    assert paths
    for path in paths:
        record = read(path, framework)
        assert record.form_type == path.stem
        assert all(v.text == "" for v in record.fields.values()), path.name
        assert all(s.is_empty for s in record.sections), path.name  # guidance is not an answer


def test_huge_sheets_are_read_only_so_far(tmp_path: Path, framework: Framework) -> None:
    wb, ws = workbook()
    ws.append(["Policy title", "Big Policy"])
    ws.append(["Who this policy applies to", "Everyone"])
    ws.append(["The Policy", "Text"])
    ws.cell(MAX_ROWS + 5, 1, "Version")
    ws.cell(MAX_ROWS + 5, 2, "9")
    record = read(save(wb, tmp_path / "big.xlsx"), framework)
    assert record.value("title") == "Big Policy"
    assert "version" not in record.fields
    assert record.unplaced[0].location == "Sheet 'Details'"
    assert "only the first 2,000 rows" in record.unplaced[0].text


def test_an_unrelated_workbook_is_not_one_of_our_forms(
    tmp_path: Path, framework: Framework
) -> None:
    wb, ws = workbook("Budget")
    ws.append(["Ref", "Date", "Area", "Amount"])
    ws.append(["A1", datetime(2024, 1, 1), "North", 100])
    with pytest.raises(RejectedFile) as caught:
        read(save(wb, tmp_path / "budget.xlsx"), framework)
    assert caught.value.reason.startswith("not one of our forms: an Excel workbook")


def test_random_bytes_in_an_xlsx_zip_are_a_damaged_file(
    tmp_path: Path, framework: Framework
) -> None:
    good = save(policy_workbook(), tmp_path / "good.xlsx")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, bytes(range(256)) * 4 if item.filename.endswith("sheet1.xml") else data
            )
    with pytest.raises(RejectedFile) as caught:
        read(path, framework)
    assert caught.value.reason == "damaged file"


def test_corpus_never_escapes_anything_but_a_rejection(
    framework: Framework, caplog: pytest.LogCaptureFixture, poi_corpus: Path
) -> None:
    run_corpus("xlsx", framework, caplog, poi_corpus)
