"""The safety gate: every hostile or broken file is rejected with a fixed reason, never crashes.

Files are crafted for real (python-docx, openpyxl and zipfile write them; no mocks), and
the POI corpus of 587 real-world Office files is run through the gate and the parsers in
a guarded worker process (this file, run as a script) with a memory ceiling and per-file
time limits, so a hang or a memory blow-up fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import struct
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

# not tests.helpers.paths.CHECKOUT: run as the worker script, tests is not importable until
# the checkout is on sys.path, which is what this line puts right
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # when run as the worker script
    sys.path.insert(0, str(REPO))

import docx  # noqa: E402
import docx.opc.oxml  # noqa: E402
import docx.oxml.parser  # noqa: E402
import openpyxl  # noqa: E402
import openpyxl.xml  # noqa: E402
from lxml import etree  # noqa: E402

from pipeline.errors import RejectedFile  # noqa: E402
from pipeline.safety import parsers as safety_parsers  # noqa: E402
from pipeline.safety import reasons  # noqa: E402
from pipeline.safety.check import check_file, is_candidate, is_ignored  # noqa: E402
from pipeline.safety.limits import Limits  # noqa: E402
from tests.helpers.packages import package_bytes  # noqa: E402
from tests.helpers.packages import package_parts as members  # noqa: E402

REASONS = {
    reasons.ENCRYPTED,
    reasons.OLD_FORMAT,
    reasons.MACROS,
    reasons.DAMAGED,
    reasons.UNSAFE,
    reasons.TOO_LARGE,
}
CT = "[Content_Types].xml"
DOC = "word/document.xml"
DOC_RELS = "word/_rels/document.xml.rels"
SHEET = "xl/worksheets/sheet1.xml"


def valid_reason(reason: str) -> bool:
    return reason in REASONS or (
        reason.startswith(f"{reasons.NOT_OURS}: ") and len(reason) > len(reasons.NOT_OURS) + 2
    )


DEFAULT = Limits()


def reject(path: Path, limits: Limits = DEFAULT) -> RejectedFile:
    with pytest.raises(RejectedFile) as info:
        check_file(path, limits)
    assert valid_reason(info.value.reason), info.value.reason
    assert info.value.advice
    return info.value


# -- crafting files ---------------------------------------------------------------------


@pytest.fixture
def docx_file(tmp_path: Path) -> Path:
    path = tmp_path / "form.docx"
    document = docx.Document()
    document.add_paragraph("Policy title")
    document.save(str(path))
    return path


@pytest.fixture
def xlsx_file(tmp_path: Path) -> Path:
    path = tmp_path / "form.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Policy title"  # type: ignore[index]
    workbook.save(path)
    return path


def rewrite(
    source: Path, target: Path, changes: dict[str, bytes | None], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Copy an Office package, replacing (bytes), adding or dropping (None) members."""
    parts = members(source)
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    package_bytes(parts, target, method)
    return target


def add_link(docx_file: Path, target: Path, kind: str, to: str, external: bool = False) -> Path:
    """A copy of ``docx_file`` whose document also links to ``to`` (a ``kind`` relationship)."""
    mode = ' TargetMode="External"' if external else ""
    rels = members(docx_file)[DOC_RELS].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{to}"{mode}/></Relationships>'.encode(),
    )
    return rewrite(docx_file, target, {DOC_RELS: rels})


def add_override(package: Path, part: str, ctype: str) -> bytes:
    types = members(package)[CT]
    return types.replace(
        b"</Types>", f'<Override PartName="{part}" ContentType="{ctype}"/></Types>'.encode()
    )


# -- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["~$form.docx", ".~lock.form.docx#", "~WRL0001.tmp", "A1B2C3D4", "Thumbs.db", "DESKTOP.INI",
     ".hidden.docx", "inbox/sub/~$x.xlsx", ".DS_Store"],
)  # fmt: skip
def test_office_and_os_litter_is_ignored_not_rejected(name: str) -> None:
    assert is_ignored(name)
    assert not is_candidate(name)


@pytest.mark.parametrize(
    "name",
    ["form.docx", "F.XLSX", "old.doc", "old.xls", "m.docm", "m.xlsm", "t.dotx", "t.dotm", "t.xltx",
     "t.xltm", "s.pptx", "s.ppt", "a.pdf", "a.odt", "a.ods", "a.rtf", "a.csv", "a.txt", "a b.docx"],
)  # fmt: skip
def test_every_other_file_is_a_candidate(name: str) -> None:
    assert is_candidate(name)
    assert not is_ignored(name)


# -- accepted, by content ---------------------------------------------------------------


def test_real_forms_pass_and_are_typed_by_content(docx_file: Path, xlsx_file: Path) -> None:
    assert check_file(docx_file) == "docx"
    assert check_file(xlsx_file) == "xlsx"
    renamed = docx_file.with_name("really-a-workbook.docx")
    renamed.write_bytes(xlsx_file.read_bytes())
    assert check_file(renamed) == "xlsx"
    legacy_name = docx_file.with_name("renamed.doc")
    legacy_name.write_bytes(docx_file.read_bytes())
    assert check_file(legacy_name) == "docx"


def test_ordinary_hyperlinks_are_fine(docx_file: Path, tmp_path: Path) -> None:
    out = add_link(docx_file, tmp_path / "link.docx", "hyperlink", "https://www.gov.uk/", True)
    assert check_file(out) == "docx"


# -- not a form -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("empty.docx", b"", "an empty file"),
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
        ("form.docx", b"%PDF-1.4 renamed", "a PDF"),
        ("notes.txt", b"just some notes\n", "a text file"),
        ("list.csv", b"a,b,c\n1,2,3\n", "a CSV file"),
        ("photo.docx", b"\x89PNG\r\n\x1a\n\x00\x00", "a picture"),
    ],
)
def test_non_office_files_say_what_they_are(tmp_path: Path, name: str, data: bytes, what: str) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(data)
    assert reject(path).reason == f"{reasons.NOT_OURS}: {what}"


def test_powerpoint_and_opendocument_are_not_our_forms(tmp_path: Path) -> None:
    pptx = tmp_path / "deck.pptx"
    with zipfile.ZipFile(pptx, "w") as zf:
        zf.writestr(CT, b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>')  # fmt: skip
        zf.writestr("_rels/.rels", b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>')  # fmt: skip
        zf.writestr("ppt/presentation.xml", b"<p:presentation xmlns:p='urn:p'/>")
    assert reject(pptx).reason == f"{reasons.NOT_OURS}: a PowerPoint file"
    odp = tmp_path / "slides.odp"
    with zipfile.ZipFile(odp, "w") as zf:
        zf.writestr("mimetype", b"application/vnd.oasis.opendocument.presentation")
        zf.writestr("content.xml", b"<office:document-content xmlns:office='urn:o'/>")
    assert reject(odp).reason.startswith(f"{reasons.NOT_OURS}: an OpenDocument")


# -- other formats LibreOffice converts before they are read (pipeline.convert.legacy) --------


def _odf(path: Path, mimetype: bytes, **members: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", mimetype)
        zf.writestr("content.xml", b"<office:document-content xmlns:office='urn:o'/>")
        for name, data in members.items():
            zf.writestr(name.replace("__", "/"), data)
    return path


def test_opendocument_text_and_spreadsheets_and_rtf_pass_to_be_converted(tmp_path: Path) -> None:
    text = b"application/vnd.oasis.opendocument.text"
    assert check_file(_odf(tmp_path / "letter.docx", text)) == "odt"
    sheet = b"application/vnd.oasis.opendocument.spreadsheet"
    assert check_file(_odf(tmp_path / "plan.ods", sheet)) == "ods"
    rtf = tmp_path / "letter.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi hello}")
    assert check_file(rtf) == "rtf"


def test_opendocument_with_macros_a_password_or_a_dtd_is_still_refused(tmp_path: Path) -> None:
    text = b"application/vnd.oasis.opendocument.text"
    basic = _odf(tmp_path / "m.odt", text, Basic__Standard__Module1__xml=b"<x/>")
    assert reject(basic).reason == reasons.MACROS
    locked = _odf(tmp_path / "p.odt", text, **{"META-INF__manifest.xml": b"<m encryption-data/>"})
    assert reject(locked).reason == reasons.ENCRYPTED
    dtd = _odf(tmp_path / "d.odt", text, styles__xml=b'<!DOCTYPE x [<!ENTITY a "b">]><x/>')
    assert reject(dtd).reason == reasons.UNSAFE


# -- OLE2: encrypted and legacy (real files from the corpus) ---------------------------


def test_a_word_97_document_passes_to_be_converted(poi_corpus: Path) -> None:
    assert check_file(poi_corpus / "document" / "47304.doc") == "doc"


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("poifs/protected_agile.docx", reasons.ENCRYPTED),
        ("poifs/protected_sha512.xlsx", reasons.ENCRYPTED),
        ("document/bug53475-password-is-pass.docx", reasons.ENCRYPTED),
        ("document/45690.docm", reasons.MACROS),
        ("spreadsheet/poc-xmlbomb.xlsx", reasons.UNSAFE),
        ("document/truncated62886.docx", reasons.DAMAGED),
    ],
)
def test_known_corpus_files(relative: str, reason: str, poi_corpus: Path) -> None:
    path = poi_corpus / relative
    assert path.exists(), f"{relative} is not in the corpus at {poi_corpus}: the wrong corpus?"
    assert reject(path).reason == reason


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


# -- XXE and billion laughs: the gate, and the parsers behind it --------------------------

LAUGHS = b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
) + b"]>"  # fmt: skip


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7731")
    return path


def with_doctype(xml: bytes, doctype: bytes, entity: bytes) -> bytes:
    """Insert a DOCTYPE (after any XML declaration) and use its entity for the form's text."""
    xml = xml.replace(b"Policy title", entity)
    if xml.startswith(b"<?xml"):
        decl, rest = xml.split(b"?>", 1)
        return decl + b"?>" + doctype + rest
    return doctype + xml


def xxe(secret: Path) -> bytes:
    return b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "%s">]>' % secret.as_uri().encode()


def hostile(source: Path, target: Path, doctype: bytes, entity: bytes) -> Path:
    part = DOC if source.suffix == ".docx" else SHEET
    return rewrite(source, target, {part: with_doctype(members(source)[part], doctype, entity)})


def test_xxe_and_billion_laughs_do_not_pass_the_gate(docx_file: Path, xlsx_file: Path, tmp_path: Path, secret: Path) -> None:  # fmt: skip
    xxe_docx = hostile(docx_file, tmp_path / "xxe.docx", xxe(secret), b"&xxe;")
    assert reject(xxe_docx).reason == reasons.UNSAFE
    laughs_xlsx = hostile(xlsx_file, tmp_path / "laughs.xlsx", LAUGHS, b"&lol9;")
    assert reject(laughs_xlsx).reason == reasons.UNSAFE


def test_with_the_gate_bypassed_the_parsers_neither_leak_nor_blow_up(docx_file: Path, xlsx_file: Path, tmp_path: Path, secret: Path) -> None:  # fmt: skip
    """Feed the hostile files straight to python-docx and openpyxl, in a guarded process."""
    attacks = {
        f"{kind}-{fmt}": (fmt, hostile(source, tmp_path / f"{kind}.{fmt}", doctype, entity))
        for fmt, source in (("docx", docx_file), ("xlsx", xlsx_file))
        for kind, doctype, entity in (("xxe", xxe(secret), b"&xxe;"), ("laughs", LAUGHS, b"&lol9;"))
    }
    for label, (fmt, path) in attacks.items():
        assert reject(path).reason == reasons.UNSAFE, label
        result = run_worker(["parse", fmt, str(path)], timeout=60)[0]  # a hang fails here
        assert result.get("error") != "MemoryError", label
        assert "TOP-SECRET" not in result.get("text", ""), label
        assert "lollollol" not in result.get("text", ""), label


def test_parsers_are_configured_safely() -> None:
    assert openpyxl.xml.DEFUSEDXML is True  # openpyxl parses sheets with defusedxml
    for module in (docx.oxml.parser, docx.opc.oxml):
        assert not safety_parsers._resolves_entities(module.oxml_parser)


def test_python_docx_parser_ignores_external_dtds_and_entities(tmp_path: Path, secret: Path) -> None:  # fmt: skip
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "{secret.as_uri()}">')
    for xml in (
        f'<!DOCTYPE r SYSTEM "{dtd.as_uri()}"><r>&leak;</r>'.encode(),
        f'<!DOCTYPE r [<!ENTITY leak SYSTEM "{secret.as_uri()}">]><r>&leak;</r>'.encode(),
    ):
        root = docx.oxml.parser.parse_xml(xml)
        assert "TOP-SECRET" not in etree.tostring(root).decode()


def test_harden_parsers_replaces_an_entity_expanding_parser(monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    unsafe = etree.XMLParser(resolve_entities=True)
    unsafe.set_element_class_lookup(docx.oxml.parser.element_class_lookup)
    monkeypatch.setattr(docx.oxml.parser, "oxml_parser", unsafe)
    assert safety_parsers._resolves_entities(docx.oxml.parser.oxml_parser)
    safety_parsers.harden_parsers()
    assert docx.oxml.parser.oxml_parser is not unsafe
    assert not safety_parsers._resolves_entities(docx.oxml.parser.oxml_parser)
    document = docx.Document()  # python-docx still builds its own element classes
    assert document.add_paragraph("still works").text == "still works"


# -- the real-world corpus --------------------------------------------------------------


def run_worker(args: list[str], timeout: float, stdin: str = "") -> list[dict[str, Any]]:
    """Run this file as a guarded worker and return the JSON lines it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )  # fmt: skip
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    done = {line["file"] for line in lines if "verdict" in line}
    stuck = [line["file"] for line in lines if "start" in line and line["file"] not in done]
    assert proc.returncode == 0, f"worker died (rc {proc.returncode}) on {stuck}: {proc.stderr[-2000:]}"  # fmt: skip
    return [line for line in lines if "start" not in line]


def test_every_corpus_file_is_accepted_or_rejected_with_a_reason(poi_corpus: Path) -> None:
    files = sorted(str(p) for p in poi_corpus.rglob("*") if p.is_file())
    assert len(files) >= 587
    started = time.monotonic()
    halves = [files[0::2], files[1::2]]  # two guarded workers, one per core
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "corpus"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"},
        )
        for _ in halves
    ]  # fmt: skip
    results: list[dict[str, Any]] = []
    for proc, half in zip(procs, halves, strict=True):
        out, err = proc.communicate("\n".join(half), timeout=150)
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        done = {line["file"] for line in lines if "verdict" in line}
        stuck = [line["file"] for line in lines if "start" in line and line["file"] not in done]
        assert proc.returncode == 0, f"worker died on {stuck}: {err[-2000:]}"
        results += [line for line in lines if "verdict" in line]
    assert len(results) == len(files)

    crashes = [r for r in results if r["verdict"].startswith("CRASH")]
    assert not crashes, crashes
    readable = {"docx", "xlsx", "doc", "rtf", "odt", "xls", "ods"}  # the last five converted
    assert all(valid_reason(r["verdict"]) for r in results if r["verdict"] not in readable)
    slow = [(r["file"], r["check_seconds"]) for r in results if r["check_seconds"] > 10]
    assert not slow, slow
    hangs = [r for r in results if r.get("parse_error") in {"ParseTimeout", "MemoryError"}]
    assert not hangs, hangs

    table = Counter(r["verdict"] for r in results)
    print(f"\ncorpus: {len(results)} files in {time.monotonic() - started:.1f}s")
    for verdict, count in table.most_common():
        print(f"  {count:4d}  {verdict}")
    print("passed the gate but the parser raised:")
    for r in results:
        if r.get("parse_error"):
            print(
                f"  {r['verdict']}  {r['parse_error']}  {Path(r['file']).relative_to(poi_corpus)}"
            )
    slowest = sorted(results, key=lambda r: -r.get("parse_seconds", 0))[:3]
    print("slowest parses:", [(Path(r["file"]).name, r.get("parse_seconds")) for r in slowest])


# -- the guarded worker (this file run as a script) ---------------------------------------


class ParseTimeout(Exception):
    """A parser ran past its per-file limit."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise ParseTimeout


def _parse(fmt: str, path: str) -> str:
    """Read a file the way the form reader will, and return all of its text."""
    if fmt == "docx":
        document = docx.Document(path)
        text = [p.text for p in document.paragraphs]
        text += [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join(text)
    with open(path, "rb") as fh:  # a file object: openpyxl refuses paths not ending .xlsx
        workbook = openpyxl.load_workbook(fh, read_only=False, data_only=True)
        rows = (row for ws in workbook.worksheets for row in ws.iter_rows(values_only=True))
        return "\n".join(str(v) for row in rows for v in row if v is not None)


def _guarded(fmt: str, path: str) -> dict[str, Any]:
    signal.alarm(30)
    started = time.monotonic()
    try:
        text = _parse(fmt, path)
        result: dict[str, Any] = {"text": text[:10_000]}
    except BaseException as exc:  # record every kind, MemoryError and timeouts included
        result = {"error": type(exc).__name__, "detail": str(exc)[:200]}
    finally:
        signal.alarm(0)
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _worker(argv: list[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a blow-up fails, not the host
    signal.signal(signal.SIGALRM, _alarm)
    if argv[0] == "parse":
        print(json.dumps({"file": argv[2], **_guarded(argv[1], argv[2])}), flush=True)
        return
    for name in sys.stdin.read().splitlines():
        print(json.dumps({"file": name, "start": True}), flush=True)
        started = time.monotonic()
        try:
            verdict: str = check_file(Path(name))
        except RejectedFile as exc:
            verdict = exc.reason
        except BaseException as exc:
            verdict = f"CRASH {type(exc).__name__}: {exc}"
        line: dict[str, Any] = {"file": name, "verdict": verdict}
        line["check_seconds"] = round(time.monotonic() - started, 2)
        if verdict in {"docx", "xlsx"}:
            parsed = _guarded(verdict, name)
            line["parse_seconds"] = parsed["seconds"]
            if "error" in parsed:
                line["parse_error"] = parsed["error"]
                line["parse_detail"] = parsed["detail"]
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    _worker(sys.argv[1:])
