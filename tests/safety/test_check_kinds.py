"""The safety gate, by kind of file: litter ignored, forms typed by content, other files named
for what they are, formats passed on to be converted, OLE2 files from the real corpus.

Files are crafted for real (python-docx, openpyxl and zipfile write them; no mocks).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.safety import reasons
from pipeline.safety.check import check_file, is_candidate, is_ignored
from tests.helpers.gate_files import CT, add_link, reject

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
