"""What managers typed into register.xlsx, read back from the real register (no mocks).

The register is written by the real sync from a real journal; the typing is done by openpyxl
(shared strings, as Excel saves) or by hand-written sheet XML where a test needs a case
openpyxl does not write.
"""

from __future__ import annotations

import io
import json
import re
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
from pipeline.safety.limits import DEFAULT_LIMITS
from tests.helpers.packages import package_bytes, package_parts
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
        lambda data: _shared_string_out_of_range(data),
        lambda data: _sheet_bytes_garbled(data),
        lambda data: _bomb(data),
    ],
    ids=["cut short", "not a zip", "string index", "garbled sheet", "zip bomb"],
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
    parts = package_parts(path)
    name = next(n for n, data in parts.items() if b"PLACEHOLDER" in data)  # sheet or strings
    body = parts[name].split(b"?>", 1)[-1].replace(b"PLACEHOLDER", b"&e;")
    root = body.lstrip()[1:].split(b" ", 1)[0].split(b">", 1)[0].decode()
    parts[name] = f'<!DOCTYPE {root} [<!ENTITY e "Major">]>'.encode() + body
    package_bytes(parts, path)
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


SHEET_PART = "xl/worksheets/sheet1.xml"


def _shared_string_out_of_range(data: bytes) -> bytes:
    """The first reference cell naming a shared string the file does not hold (it once
    raised IndexError, which stopped every batch)."""
    parts = package_parts(data)
    sheet, found = re.subn(
        rb'<c r="A2"([^>]*?) t="inlineStr"><is>.*?</is></c>',
        rb'<c r="A2"\g<1> t="s"><v>99999</v></c>',
        parts[SHEET_PART],
        count=1,
    )
    assert found == 1
    return package_bytes({**parts, SHEET_PART: sheet})


def _sheet_bytes_garbled(data: bytes) -> bytes:
    """The sheet's packed bytes overwritten in the middle (zlib or a CRC check fails)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(SHEET_PART)
    local = data[info.header_offset : info.header_offset + 30]
    start = info.header_offset + 30 + int.from_bytes(local[26:28], "little")
    start += int.from_bytes(local[28:30], "little") + info.compress_size // 2
    return data[:start] + b"\xff" * 64 + data[start + 64 :]


def _bomb(data: bytes) -> bytes:
    """A part that unpacks past the safety gate's limits, packed into a few hundred KB."""
    out = io.BytesIO(data)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/big.bin", "w") as fh,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(DEFAULT_LIMITS.max_member_bytes // len(chunk) + 1):
            fh.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_saved_over_the_register_is_set_aside_unread(
    register: tuple[Journal, Path],
) -> None:
    journal, path = register
    path.write_bytes(_bomb(path.read_bytes()))
    result = sync(journal, path, today=TODAY)
    assert result.written
    aside = list(path.parent.glob("register.damaged-*.xlsx"))
    assert len(aside) == 1 and aside[0].stat().st_size < 10 * 1024 * 1024
    with zipfile.ZipFile(path) as zf:
        assert "xl/media/big.bin" not in zf.namelist()  # a fresh register in its place
