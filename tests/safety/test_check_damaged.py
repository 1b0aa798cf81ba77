"""The safety gate on damaged, macro-enabled, oversized and unsafe-XML packages: each is
rejected with a fixed reason, never crashes.

Files are crafted for real (python-docx, openpyxl and zipfile write them; no mocks).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.safety import reasons
from pipeline.safety.check import check_file
from pipeline.safety.limits import Limits
from tests.helpers.gate_files import CT, DOC, SHEET, add_link, add_override, reject, rewrite
from tests.helpers.packages import package_parts as members

# -- damaged ----------------------------------------------------------------------------


def test_truncated_and_corrupt_packages_are_damaged(docx_file: Path, tmp_path: Path) -> None:
    data = docx_file.read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    assert reject(cut).reason == reasons.DAMAGED

    stored = rewrite(docx_file, tmp_path / "stored.docx", {}, zipfile.ZIP_STORED)
    raw = bytearray(stored.read_bytes())
    at = raw.index(b"Policy title")
    raw[at] ^= 0x20  # the bytes still unpack, but the CRC no longer matches
    crc = tmp_path / "crc.docx"
    crc.write_bytes(bytes(raw))
    with pytest.raises(zipfile.BadZipFile):
        members(crc)
    assert reject(crc).reason == reasons.DAMAGED


def test_missing_content_types_or_main_part_is_damaged(docx_file: Path, tmp_path: Path) -> None:
    assert reject(rewrite(docx_file, tmp_path / "a.docx", {CT: None})).reason == reasons.DAMAGED
    assert reject(rewrite(docx_file, tmp_path / "b.docx", {DOC: None})).reason == reasons.DAMAGED
    bad_xml = rewrite(docx_file, tmp_path / "c.docx", {"_rels/.rels": b"<Relationships"})
    assert reject(bad_xml).reason == reasons.DAMAGED


def test_a_link_to_a_missing_part_is_damaged(docx_file: Path, tmp_path: Path) -> None:
    """python-docx loads every linked part and raises KeyError on a missing one."""
    out = add_link(docx_file, tmp_path / "gone.docx", "image", "media/gone.png")
    with pytest.raises(KeyError):
        docx.Document(str(out))
    assert reject(out).reason == reasons.DAMAGED


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "word/../../evil.xml", "C:/evil.xml", "a\\..\\..\\evil.xml"])  # fmt: skip
def test_path_tricks_are_damaged(docx_file: Path, tmp_path: Path, name: str) -> None:
    out = rewrite(docx_file, tmp_path / "trick.docx", {name: b"<x/>"})
    assert reject(out).reason == reasons.DAMAGED


def test_a_lying_size_in_the_directory_is_caught_by_the_bounded_read(docx_file: Path, tmp_path: Path) -> None:  # fmt: skip
    """Declare document.xml smaller than it is, in both headers: reading stops, CRC fails."""
    raw = bytearray(rewrite(docx_file, tmp_path / "s.docx", {}).read_bytes())
    name = DOC.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = raw.find(signature)
        while raw[pos + name_at : pos + name_at + len(name)] != name:
            pos = raw.find(signature, pos + 4)
        struct.pack_into("<L", raw, pos + size_at, 100)
    out = tmp_path / "lying.docx"
    out.write_bytes(bytes(raw))
    assert reject(out).reason == reasons.DAMAGED


# -- macros -----------------------------------------------------------------------------


def test_macros_are_refused_by_part_type_and_name(docx_file: Path, xlsx_file: Path, tmp_path: Path) -> None:  # fmt: skip
    vba = rewrite(docx_file, tmp_path / "v.docx", {"word/vbaProject.bin": b"\x00" * 64})
    assert reject(vba).reason == reasons.MACROS
    types = members(xlsx_file)[CT].replace(b"spreadsheetml.sheet.main+xml", b"x")
    types = types.replace(b'ContentType="application/vnd.openxmlformats-officedocument.x"', b'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"')  # fmt: skip
    enabled = rewrite(xlsx_file, tmp_path / "e.xlsx", {CT: types})
    assert reject(enabled).reason == reasons.MACROS
    named = tmp_path / "form.docm"
    named.write_bytes(docx_file.read_bytes())
    assert reject(named).reason == reasons.MACROS


# -- zip bombs and sizes ----------------------------------------------------------------


def test_zip_bombs_are_too_large(docx_file: Path, tmp_path: Path) -> None:
    small = Limits(max_member_bytes=4 << 20, max_uncompressed_bytes=6 << 20, max_members=50)
    big = rewrite(docx_file, tmp_path / "big.docx", {"word/media/x.bin": b"\x00" * (5 << 20)})
    rejected = reject(big, small)
    assert rejected.reason == reasons.TOO_LARGE and "MB" in rejected.advice
    ratio = rewrite(docx_file, tmp_path / "ratio.docx", {"word/media/y.bin": b"\x00" * (3 << 20)})
    assert reject(ratio, small).reason == reasons.TOO_LARGE
    many = rewrite(docx_file, tmp_path / "many.docx", {f"x/{i}.xml": b"<x/>" for i in range(60)})
    assert reject(many, small).reason == reasons.TOO_LARGE
    huge = tmp_path / "huge.docx"
    with open(huge, "wb") as fh:
        fh.truncate(2048)
    assert reject(huge, Limits(max_file_bytes=1024)).reason == reasons.TOO_LARGE


def test_sheets_beyond_the_cell_limits_are_too_large(xlsx_file: Path, tmp_path: Path) -> None:
    source = members(xlsx_file)[SHEET]
    assert b'<dimension ref="A1:A1"/>' in source
    declared = source.replace(b'<dimension ref="A1:A1"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert reject(rewrite(xlsx_file, tmp_path / "d.xlsx", {SHEET: declared})).reason == reasons.TOO_LARGE  # fmt: skip

    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"/></row>' % (i, i, i) for i in range(2, 40002))  # fmt: skip
    cells = rewrite(xlsx_file, tmp_path / "c.xlsx", {SHEET: source.replace(b"</sheetData>", rows + b"</sheetData>")})  # fmt: skip
    assert check_file(cells) == "xlsx"
    assert reject(cells, Limits(max_sheet_cells=80_000)).reason == reasons.TOO_LARGE

    merge = source.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')  # fmt: skip
    assert (
        reject(rewrite(xlsx_file, tmp_path / "m.xlsx", {SHEET: merge})).reason == reasons.TOO_LARGE
    )
    merges = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (i, i) for i in range(1, 12_000))
    many = source.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merges + b"</mergeCells>")
    assert (
        reject(rewrite(xlsx_file, tmp_path / "mm.xlsx", {SHEET: many})).reason == reasons.TOO_LARGE
    )


def test_cells_repeating_a_long_shared_string_are_too_large(xlsx_file: Path, tmp_path: Path) -> None:  # fmt: skip
    """One long string in many cells costs openpyxl nothing, but each reader copy is real."""
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = b'<sst xmlns="%s"><si><t>%s</t></si><si><t>short</t></si></sst>' % (
        ns,
        b"x" * 100_000,
    )
    types = add_override(xlsx_file, "/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")  # fmt: skip
    source = members(xlsx_file)[SHEET]
    limits = Limits(max_uncompressed_bytes=20 << 20)

    def workbook(index: int) -> Path:
        rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (i, i, index) for i in range(2, 302))  # fmt: skip
        sheet = source.replace(b"</sheetData>", rows + b"</sheetData>")
        changes = {SHEET: sheet, CT: types, "xl/sharedStrings.xml": strings}
        return rewrite(xlsx_file, tmp_path / f"s{index}.xlsx", changes)

    assert check_file(workbook(1), limits) == "xlsx"
    assert reject(workbook(0), limits).reason == reasons.TOO_LARGE


def test_the_check_gives_up_rather_than_hang(docx_file: Path) -> None:
    assert reject(docx_file, Limits(max_check_seconds=0)).reason == reasons.TOO_LARGE


# -- unsafe XML -------------------------------------------------------------------------


def test_dtds_and_entities_are_unsafe_however_they_are_hidden(docx_file: Path, tmp_path: Path) -> None:  # fmt: skip
    body = members(docx_file)[DOC]
    decl, rest = body.split(b"?>", 1)
    doctype = b'<!DOCTYPE w:document [<!ENTITY x "y">]>'
    variants = {
        "plain": decl + b"?>" + doctype + rest,
        "utf16": (b"<?xml version='1.0' encoding='UTF-16'?>" + doctype + rest)
        .decode()
        .encode("utf-16"),  # fmt: skip
        "split": decl
        + b"?>"
        + b"<!-- "
        + b"a" * (64 * 1024 - len(decl) - 12)
        + b" -->"
        + doctype
        + rest,  # fmt: skip
        "utf32": (b"<?xml version='1.0'?>" + rest).decode().encode("utf-32-le"),
        "utf7": b"<?xml version='1.0' encoding='UTF-7'?>+ADw-!DOCTYPE" + rest,
    }
    for label, data in variants.items():
        rejected = reject(rewrite(docx_file, tmp_path / f"{label}.docx", {DOC: data}))
        assert rejected.reason == reasons.UNSAFE, label


def test_external_links_that_a_tool_could_fetch_are_unsafe(docx_file: Path, tmp_path: Path) -> None:  # fmt: skip
    out = add_link(docx_file, tmp_path / "img.docx", "image", "http://attacker.example/x.png", True)
    assert reject(out).reason == reasons.UNSAFE
