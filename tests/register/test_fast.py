"""The register's XML fast path: real files, written by a second sync, read back with openpyxl."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.journal.store import Event, Journal
from pipeline.register.workbook import rebuild, sync
from pipeline.register.xml.fast import patch
from tests.helpers.packages import package_parts as xlsx_parts
from tests.helpers.register import TODAY, libreoffice_csv
from tests.helpers.soffice import libreoffice


def _policy(journal: Journal, n: int, **values: Any) -> str:
    ref = f"ASC-POL-{n:03d}"
    base: dict[str, Any] = {
        "title": f"Policy {n}",
        "version": 1,
        "status": "draft",
        "business_owner": "Sarah Mackereth",
        "next_review": TODAY + timedelta(days=400),
        "updated": datetime(2026, 11, 20, 14, 5),
    }
    journal.upsert_policy(ref, {**base, **values})
    journal.add_event(
        Event(
            datetime(2026, 11, 20, 9, n), f"{ref}.docx", "Policy request", ref, "SM", "accepted", ""
        )
    )
    return ref


def _cells(path: Path, sheet: str = "Register") -> list[list[Any]]:
    ws = load_workbook(path)[sheet]
    assert isinstance(ws, Worksheet)
    return [[c.value for c in row] for row in ws.iter_rows()]


def _by_header(ws: Worksheet, row: int) -> dict[str, Any]:
    return {str(h.value): c for h, c in zip(ws[1], ws[row], strict=False)}


def _fast(journal: Journal, path: Path) -> bool:
    """Whether the next sync of ``path`` can take the fast path (nothing is written here)."""
    return patch(path, journal.snapshot(), TODAY) is not None


def test_second_sync_patches_the_xml_and_matches_a_rebuild(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    for n in range(1, 6):
        _policy(journal, n, status="approved" if n % 2 else "draft", pdf=f"outbox/p{n}.pdf")
    sync(journal, path, today=TODAY)  # created through openpyxl
    with zipfile.ZipFile(path) as zf:
        before = {name: zf.read(name) for name in zf.namelist()}

    journal.upsert_policy("ASC-POL-002", {"status": "published", "pdf": "outbox/new one.pdf"})
    journal.upsert_policy("ASC-POL-004", {"pdf": None, "title": "=1+1 not a formula"})
    _policy(journal, 6, next_review=TODAY - timedelta(days=3), author="-Jo")
    _policy(journal, 7, next_review=date(2027, 1, 15), docx="outbox/p7.docx")
    assert _fast(journal, path)
    result = sync(journal, path, today=TODAY)
    assert result.written and "7 policies (2 new)" in result.reason

    with zipfile.ZipFile(path) as zf:
        after = {name: zf.read(name) for name in zf.namelist()}
    assert set(after) == set(before)
    untouched = {"xl/theme/theme1.xml", "docProps/core.xml", "xl/drawings/drawing1.xml"}
    assert all(after[name] == before[name] for name in untouched)

    rebuilt = tmp_path / "copy" / "register.xlsx"
    rebuilt.parent.mkdir()
    rebuild(journal, rebuilt, today=TODAY)
    for sheet in ("Register", "History", "Dashboard"):
        assert _cells(path, sheet) == _cells(rebuilt, sheet), sheet

    wb = load_workbook(path)
    ws = wb["Register"]
    row2, row5, row7 = _by_header(ws, 3), _by_header(ws, 5), _by_header(ws, 7)
    assert row2["Latest PDF"].hyperlink.target == "outbox/new%20one.pdf"
    assert row5["Latest PDF"].hyperlink is None and row5["Latest PDF"].value is None
    assert row5["Title"].value == "=1+1 not a formula" and row5["Title"].quotePrefix
    assert row5["Title"].data_type == "s"
    new = _by_header(ws, 8)
    assert new["Reference"].value == "ASC-POL-007"
    assert new["Latest DOCX"].hyperlink.target == "outbox/p7.docx"
    assert new["Next review"].number_format == "dd/mm/yyyy"
    assert new["Next review"].alignment.horizontal == "center"
    assert new["Title"].alignment.vertical == "top"
    assert row7["Author"].value == "-Jo" and row7["Author"].quotePrefix
    assert row7["Review state"].value == "overdue"
    table = ws.tables["PolicyRegister"]
    assert table.ref == "A1:W8" and table.autoFilter.ref == "A1:W8"
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {"M2:M8 N2:N8"}
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["D2:D8"]
    assert ws.freeze_panes == "A2"
    history = wb["History"]
    assert history.max_row == 8 and history.tables["PolicyHistory"].ref == "A1:G8"
    assert history["A8"].number_format == "dd/mm/yyyy hh:mm"
    chart = after["xl/charts/chart1.xml"].decode()
    dash = wb["Dashboard"]
    quarters = [r for r in range(1, 40) if str(dash.cell(r, 1).value).startswith("Q")]
    assert f"$A${quarters[0]}:$A${quarters[-1]}" in chart
    assert f"$B${quarters[0]}:$B${quarters[-1]}" in chart


def test_managers_edits_survive_the_fast_path(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    first, second = _policy(journal, 1), _policy(journal, 2)
    sync(journal, path, today=TODAY)

    wb = load_workbook(path)  # a manager works on the register
    ws = wb["Register"]
    ws["B3"].comment = Comment("Check wording with Jo", "Manager")
    ws["D2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["A5"] = "Ad hoc: review of charging letters"
    ws["X2"] = "unheaded note"
    wb.create_sheet("My notes")["A1"] = "Budget questions"
    wb.save(path)

    journal.upsert_policy(first, {"status": "approved"})
    journal.upsert_policy(second, {"title": "Renamed"})
    third = _policy(journal, 3)
    assert _fast(journal, path)
    assert sync(journal, path, today=TODAY).written

    wb = load_workbook(path)
    assert wb.sheetnames == ["Register", "History", "Dashboard", "My notes"]
    assert wb["My notes"]["A1"].value == "Budget questions"
    ws = wb["Register"]
    assert ws["D2"].value == "approved" and ws["D2"].fill.fgColor.rgb == "00FFFF00"
    assert ws["B3"].value == "Renamed" and ws["B3"].comment is not None
    assert ws["B3"].comment.text == "Check wording with Jo"
    assert ws["A5"].value == "Ad hoc: review of charging letters"
    assert ws["X2"].value == "unheaded note"
    assert ws["A6"].value == third  # below the manager's typed row
    assert path.with_name("register.xlsx.bak").exists()
    assert not list(tmp_path.glob(".register.xlsx.*"))


def test_what_the_fast_path_cannot_do_goes_through_openpyxl(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal, 1)
    sync(journal, path, today=TODAY)
    # a manager's column inside the table is added to it by openpyxl
    wb = load_workbook(path)
    wb["Register"].insert_cols(3)
    wb["Register"]["C1"] = "Manager note"
    wb.save(path)
    assert not _fast(journal, path)
    assert sync(journal, path, today=TODAY).written
    table = load_workbook(path)["Register"].tables["PolicyRegister"]
    assert "Manager note" in [c.name for c in table.tableColumns]
    assert _fast(journal, path)  # and the sync after that is fast again


LINK_LOOK = ("000563C1", "single")


def _link_look(cell: Any) -> tuple[str | None, str | None]:
    return cell.font.color.rgb if cell.font.color is not None else None, cell.font.underline


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "openpyxl"])
def test_links_get_the_link_font_unless_a_manager_chose_a_font(
    journal: Journal, tmp_path: Path, fast: bool
) -> None:
    path = tmp_path / "register.xlsx"
    first = _policy(journal, 1, pdf="outbox/p1.pdf")
    second = _policy(journal, 2)  # no link yet: its cell gets our alignment, not a font
    sync(journal, path, today=TODAY)  # created through openpyxl
    wb = load_workbook(path)
    ws = wb["Register"]
    assert _link_look(ws["S2"]) == LINK_LOOK
    assert _link_look(ws["T2"]) != LINK_LOOK  # no DOCX: no link, no link font
    ws["S2"].font = Font(color="FF0000")  # a manager's own colour for a link
    if not fast:
        ws.merge_cells("Z10:Z11")  # something the fast path leaves to openpyxl
    wb.save(path)

    journal.upsert_policy(first, {"pdf": "outbox/p1 v2.pdf"})
    journal.upsert_policy(second, {"pdf": "outbox/p2.pdf"})
    _policy(journal, 3, docx="outbox/p3.docx")
    assert _fast(journal, path) == fast
    assert sync(journal, path, today=TODAY).written

    ws = load_workbook(path)["Register"]
    assert ws["S2"].hyperlink.target == "outbox/p1%20v2.pdf"
    assert _link_look(ws["S2"]) == ("00FF0000", None)  # the manager's font is kept
    assert ws["S3"].hyperlink.target == "outbox/p2.pdf"
    assert _link_look(ws["S3"]) == LINK_LOOK  # a styled cell with the default font
    assert _link_look(ws["T4"]) == LINK_LOOK  # a new row's link


@pytest.mark.requires_libreoffice
def test_libreoffice_reads_a_patched_register_and_its_resave(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    _policy(journal, 1)
    sync(journal, path, today=TODAY)
    _policy(journal, 2, title="=SUM(1,2)", pdf="outbox/p2.pdf")
    assert _fast(journal, path)
    sync(journal, path, today=TODAY)
    rows = libreoffice_csv(path, tmp_path / "out")
    assert rows[0][:2] == ["Reference", "Title"]
    assert rows[2][:2] == ["ASC-POL-002", "=SUM(1,2)"]

    # LibreOffice's own save (shared strings, its own styles), as after a manager's edit
    shutil.copy(libreoffice(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo"), path)
    journal.upsert_policy("ASC-POL-001", {"status": "approved"})
    assert sync(journal, path, today=TODAY).written
    ws = load_workbook(path)["Register"]
    rows_by_ref = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows_by_ref["ASC-POL-001"][3] == "approved"
    assert rows_by_ref["ASC-POL-002"][1] == "=SUM(1,2)"


# --- the pipeline's own notes ------------------------------------------------------------------

REVIEW = {"next_review": date(2027, 10, 1), "next_review_text": 'Quarter 3 "2027/28" & <tbc>'}


def _notes(path: Path) -> dict[str, tuple[str, str]]:
    """Cell -> (author, text) of every note on the Register sheet, as openpyxl reads them."""
    ws = load_workbook(path)["Register"]
    assert isinstance(ws, Worksheet)
    return {
        cell.coordinate: (cell.comment.author, cell.comment.text)
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None
    }


def _rebuilt_notes(journal: Journal, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """The notes a full openpyxl rebuild of the same journal leaves."""
    rebuilt = tmp_path / "rebuilt" / "register.xlsx"
    rebuilt.parent.mkdir(exist_ok=True)
    rebuild(journal, rebuilt, today=TODAY)
    return _notes(rebuilt)


def _patch_and_save(journal: Journal, path: Path) -> None:
    """Sync through the fast path only: fails if it would have fallen back to openpyxl."""
    patched = patch(path, journal.snapshot(), TODAY)
    assert patched is not None, "the sync fell back to openpyxl"
    patched.package.save(path)


def test_the_fast_path_adds_changes_and_removes_the_pipelines_notes(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    first, second = _policy(journal, 1), _policy(journal, 2)
    sync(journal, path, today=TODAY)
    assert not [name for name in xlsx_parts(path) if "comment" in name]  # no notes part yet

    # the first notes: comments part, drawing, relationships and content types are created
    journal.upsert_policy(first, REVIEW)
    third = _policy(journal, 3, approval_date=date(2015, 12, 1), approval_date_text="Dec 2015")
    _patch_and_save(journal, path)
    notes = _notes(path)
    assert notes == _rebuilt_notes(journal, tmp_path)
    assert notes["M2"] == ("pipeline", 'As written on the form: Quarter 3 "2027/28" & <tbc>')
    assert set(notes) == {"M2", "K4"}
    parts = xlsx_parts(path)
    vml = [name for name in parts if name.endswith(".vml")]
    assert len(vml) == 1
    assert parts[vml[0]].count(b'ObjectType="Note"') == 2
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert sheet.index("<legacyDrawing") < sheet.index("<tableParts")  # schema order
    assert "comments+xml" in parts["[Content_Types].xml"].decode()
    assert _fast(journal, path)  # and the next sync is fast too

    # change one, remove one, add one where the drawing already exists
    journal.upsert_policy(first, {"next_review_text": "Quarter 4 2027/28\x01"})
    journal.upsert_policy(third, {"approval_date_text": None})
    journal.upsert_policy(second, {"last_review": date(2025, 4, 1), "last_review_text": "April"})
    _patch_and_save(journal, path)
    notes = _notes(path)
    assert notes["M2"] == ("pipeline", "As written on the form: Quarter 4 2027/28")
    assert set(notes) == {"M2", "L3"}
    vml_text = xlsx_parts(path)[vml[0]].decode()
    assert vml_text.count('ObjectType="Note"') == 2
    assert "<x:Row>3</x:Row>" not in vml_text  # K4's shape went with its note
    journal.upsert_policy(first, {"next_review_text": "Q4 2027/28"})  # no control character
    _patch_and_save(journal, path)
    assert _notes(path) == _rebuilt_notes(journal, tmp_path)

    # the last notes go: so do the parts that held them
    journal.upsert_policy(first, {"next_review_text": None})
    journal.upsert_policy(second, {"last_review_text": None})
    _patch_and_save(journal, path)
    assert _notes(path) == {} == _rebuilt_notes(journal, tmp_path)
    parts = xlsx_parts(path)
    assert not [name for name in parts if "comment" in name or name.endswith(".vml")]
    assert "legacyDrawing" not in parts["xl/worksheets/sheet1.xml"].decode()
    assert "comments" not in parts["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert "comment" not in parts["[Content_Types].xml"].decode()
    assert _cells(path) == _cells(tmp_path / "rebuilt" / "register.xlsx")


def test_a_managers_notes_survive_the_pipelines_notes_changing(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    first, second = _policy(journal, 1, **REVIEW), _policy(journal, 2)
    sync(journal, path, today=TODAY)
    wb = load_workbook(path)
    ws = wb["Register"]
    ws["B3"].comment = Comment("Check wording with Jo & <Sam>", "Manager")
    ws["M3"].comment = Comment("Review date agreed at DMT", "Manager")  # on one of our cells
    wb.save(path)
    before = xlsx_parts(path)
    comments = next(name for name in before if name.startswith("xl/comments"))
    theirs = re.findall(rb'<comment ref="[BM]3".*?</comment>', before[comments])
    assert len(theirs) == 2

    journal.upsert_policy(first, {"next_review_text": "Q1 2028/29"})  # ours changes
    journal.upsert_policy(second, {"next_review_text": "Q2 2028/29"})  # would note M3
    _policy(journal, 3, **REVIEW)  # a new row, with our note
    _patch_and_save(journal, path)

    notes = _notes(path)
    assert notes["B3"] == ("Manager", "Check wording with Jo & <Sam>")
    assert notes["M3"] == ("Manager", "Review date agreed at DMT")
    assert notes["M2"] == ("pipeline", "As written on the form: Q1 2028/29")
    assert notes["M4"][0] == "pipeline"
    after = xlsx_parts(path)[comments]
    assert all(note in after for note in theirs), "a manager's note was rewritten"

    # the same sync of the same file through openpyxl leaves the same notes
    slow = tmp_path / "slow" / "register.xlsx"
    slow.parent.mkdir()
    with zipfile.ZipFile(slow, "w") as zf:
        for name, data in before.items():
            zf.writestr(name, data)
    wb = load_workbook(slow)
    wb["Register"].merge_cells("Z10:Z11")  # something the fast path leaves to openpyxl
    wb.save(slow)
    assert not _fast(journal, slow)
    assert sync(journal, slow, today=TODAY).written
    assert _notes(slow) == notes


@pytest.mark.requires_libreoffice
def test_libreoffice_reads_the_notes_the_fast_path_wrote(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    first = _policy(journal, 1)
    sync(journal, path, today=TODAY)
    journal.upsert_policy(first, REVIEW)  # creates the notes parts
    _policy(journal, 2, approval_date=date(2015, 12, 1), approval_date_text="December 2015")
    _patch_and_save(journal, path)
    out = tmp_path / "out"
    assert [r[0] for r in libreoffice_csv(path, out)][1:3] == ["ASC-POL-001", "ASC-POL-002"]
    # LibreOffice's own save keeps the notes only if it read them from our parts
    resaved = libreoffice(path, "xlsx:Calc MS Excel 2007 XML", out)
    texts = {ref: text for ref, (_, text) in _notes(resaved).items()}
    assert len(texts) == 2
    assert texts == {ref: text for ref, (_, text) in _notes(path).items()}
