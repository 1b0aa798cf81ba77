"""What managers typed into register.xlsx, read back from the real register (no mocks).

The register is written by the real sync from a real journal; the typing is done by openpyxl
(shared strings, as Excel saves) or by hand-written sheet XML where a test needs a case
openpyxl does not write.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.journal.store import Journal
from pipeline.register.typed import UnreadableRegister, edited, read_typed
from pipeline.register.workbook import sync
from tests.helpers.register import TODAY

UNO_SCRIPT = Path(__file__).resolve().parent.parent / "helpers" / "calc_edits.py"


@pytest.fixture
def register(tmp_path: Path) -> Iterator[tuple[Journal, Path]]:
    with Journal(tmp_path / ".pipeline" / "journal.sqlite") as journal:
        for title in ("Carers Support Policy", "Direct Payments Policy"):
            ref = journal.next_reference("ASC-POL", 3)
            journal.upsert_policy(ref, {"title": title, "version": 1, "policy_received": True})
        path = tmp_path / "register.xlsx"
        assert sync(journal, path, today=TODAY).written
        yield journal, path


def _type(path: Path, cells: dict[str, str], *, who: str = "Jo Manager", sheet: str = "") -> None:
    wb = load_workbook(path)
    ws = wb["Register"]
    if sheet:
        ws.title = sheet
    header = {c.value: c.column_letter for c in ws[1]}
    for where, text in cells.items():
        column, row = where.split("@")
        ws[f"{header[column]}{row}"] = text
    wb.properties.lastModifiedBy = who
    wb.properties.modified = datetime(2026, 11, 29, 14, 2)
    wb.save(path)


def test_the_file_the_pipeline_wrote_is_not_read(register: tuple[Journal, Path]) -> None:
    journal, path = register
    written, _ = journal.register_shown()
    assert written is not None and edited(path, written) is None
    _type(path, {"Change type@2": "Major"})
    assert edited(path, written) == path.read_bytes()


def test_an_openpyxl_write_is_recorded_too(tmp_path: Path) -> None:
    """A register openpyxl wrote (not the fast path) is not read again either."""
    with Journal(tmp_path / "journal.sqlite") as journal:
        journal.upsert_policy("ASC-POL-001", {"title": "Carers Support Policy", "version": 1})
        path = tmp_path / "register.xlsx"
        assert sync(journal, path, today=TODAY, fast=False).written
        written, _ = journal.register_shown()
    assert written is not None and edited(path, written) is None


def test_typed_cells_and_who_saved_them_are_read(register: tuple[Journal, Path]) -> None:
    _, path = register
    _type(path, {"Change type@2": " Major ", "Sign-off level@3": "OSLT"})
    typed = read_typed(path.read_bytes())
    assert typed.cells == {
        "ASC-POL-001": {"change_type": "Major", "sign_off_level": ""},
        "ASC-POL-002": {"change_type": "", "sign_off_level": "OSLT"},
    }
    assert typed.who == "Jo Manager" and typed.saved is not None
    assert typed.by().startswith(" (saved by Jo Manager on ")


def test_a_renamed_register_sheet_is_found_by_its_headers(register: tuple[Journal, Path]) -> None:
    _, path = register
    _type(path, {"Sign-off level@2": "Director"}, sheet="Policies 2026")
    assert read_typed(path.read_bytes()).cells["ASC-POL-001"]["sign_off_level"] == "Director"


def test_a_number_typed_reads_as_its_figures(register: tuple[Journal, Path]) -> None:
    _, path = register
    _type(path, {"Sign-off level@2": 2})  # type: ignore[dict-item]
    assert read_typed(path.read_bytes()).cells["ASC-POL-001"]["sign_off_level"] == "2"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"not a zip at all",
    ],
)
def test_an_unreadable_register_is_a_sentence_not_a_crash(
    register: tuple[Journal, Path], damage: object
) -> None:
    _, path = register
    with pytest.raises(UnreadableRegister, match="could not be read for sign-offs"):
        read_typed(damage(path.read_bytes()))  # type: ignore[operator]


def test_a_register_without_its_columns_is_a_sentence(register: tuple[Journal, Path]) -> None:
    _, path = register
    wb = load_workbook(path)
    wb["Register"]["E1"] = "Kind of change"  # the Change type header renamed
    wb.save(path)
    with pytest.raises(UnreadableRegister, match="Change type"):
        read_typed(path.read_bytes())


def test_an_entity_typed_in_the_xml_is_not_expanded(register: tuple[Journal, Path]) -> None:
    """The hardened parser: a DOCTYPE declaring an entity is never expanded into a value."""
    _, path = register
    _type(path, {"Change type@2": "PLACEHOLDER"})
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n, data in parts.items() if b"PLACEHOLDER" in data)  # sheet or strings
    body = parts[name].split(b"?>", 1)[-1].replace(b"PLACEHOLDER", b"&e;")
    root = body.lstrip()[1:].split(b" ", 1)[0].split(b">", 1)[0].decode()
    parts[name] = f'<!DOCTYPE {root} [<!ENTITY e "Major">]>'.encode() + body
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    try:
        typed = read_typed(path.read_bytes()).cells["ASC-POL-001"]["change_type"]
    except UnreadableRegister:
        typed = ""
    assert typed != "Major"


@pytest.mark.requires_libreoffice
@pytest.mark.requires_uno
def test_typing_saved_by_libreoffice_calc_is_read(
    register: tuple[Journal, Path], tmp_path: Path
) -> None:
    """Calc (like Excel) saves text as shared strings, not openpyxl's inline strings."""
    _, path = register
    saved = tmp_path / "saved-by-calc.xlsx"
    job = [{"src": str(path), "dst": str(saved), "edit": "signoff"}]
    subprocess.run(
        ["/usr/bin/python3", str(UNO_SCRIPT), str(tmp_path / "lo-profile"), json.dumps(job)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with zipfile.ZipFile(saved) as zf:
        assert any(n.lower().endswith("sharedstrings.xml") for n in zf.namelist())
    cells = read_typed(saved.read_bytes()).cells
    assert cells["ASC-POL-001"] == {"change_type": "Major", "sign_off_level": "OSLT"}
    assert cells["ASC-POL-002"] == {"change_type": "", "sign_off_level": ""}
