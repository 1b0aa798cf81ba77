"""Opening a Word form for reading: parts parsed when asked, nothing outside the package."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE

from pipeline.forms.docx_package import RT_STYLES, WordPackage
from pipeline.forms.docx_styles import DocContext
from tests.helpers.packages import package_bytes, package_parts

_RELS = "word/_rels/document.xml.rels"


def _with_style(path: Path, name: str) -> Path:
    document = docx.Document()
    document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("text", style=name)
    document.save(str(path))
    return path


def _rewrite(path: Path, member: str, edit: dict[bytes, bytes]) -> None:
    parts = package_parts(path)
    for old, new in edit.items():
        assert old in parts[member]
        parts[member] = parts[member].replace(old, new)
    package_bytes(parts, path)


def test_each_document_is_read_with_its_own_styles(tmp_path: Path) -> None:
    # style tables are kept per process by the styles part's digest: two documents whose
    # styles differ must never share one, whichever is read first
    first = _with_style(tmp_path / "a.docx", "Officer Style")
    second = _with_style(tmp_path / "b.docx", "Officer Style")
    _rewrite(second, "word/styles.xml", {b'w:val="Officer Style"': b'w:val="Changed Style"'})
    for _ in range(2):
        for path, name in ((first, "Officer Style"), (second, "Changed Style")):
            with WordPackage(path) as package:
                style = DocContext(package).style("OfficerStyle")
                assert style is not None and style.name == name


def test_a_relationship_outside_the_package_is_no_part(tmp_path: Path) -> None:
    path = _with_style(tmp_path / "a.docx", "Officer Style")
    _rewrite(path, _RELS, {b'Target="styles.xml"': b'Target="../../../etc/passwd"'})
    with WordPackage(path) as package:
        assert package.related(RT_STYLES) is None
        assert DocContext(package).style("OfficerStyle") is None  # read as unstyled


def test_an_external_link_is_only_its_address(tmp_path: Path) -> None:
    document = docx.Document()
    rid = document.part.relate_to(
        "file:///etc/passwd",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    path = tmp_path / "link.docx"
    document.save(str(path))
    with WordPackage(path) as package:
        rel = package.target(rid)
        assert rel is not None and rel.external and rel.target == "file:///etc/passwd"
