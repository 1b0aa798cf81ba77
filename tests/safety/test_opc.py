"""One rule for where a relationship points, the gate's and every reader's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.forms.docx_package import RT_STYLES, WordPackage
from pipeline.safety.check import check_file
from pipeline.safety.opc import rels_name, target_part
from tests.helpers.packages import package_bytes, package_parts
from tests.helpers.paths import SAMPLE_POLICY


@pytest.mark.parametrize(
    ("source", "target", "part"),
    [
        ("word/document.xml", "styles.xml", "word/styles.xml"),
        ("word/document.xml", "/word/styles.xml", "word/styles.xml"),
        ("word/document.xml", "../customXml/item1.xml", "customXml/item1.xml"),
        ("word/document.xml", "media/image%201.png", "word/media/image 1.png"),
        ("word/document.xml", "media\\image1.png", "word/media/image1.png"),
        ("word/document.xml", "styles.xml#part", "word/styles.xml"),
        ("word/document.xml", "../../../etc/passwd", "etc/passwd"),  # never above the root
        ("", "word/document.xml", "word/document.xml"),
    ],
)
def test_targets_resolve_as_the_gate_checks_them(source: str, target: str, part: str) -> None:
    assert target_part(source, target) == part


def test_rels_names() -> None:
    assert rels_name("word/document.xml") == "word/_rels/document.xml.rels"
    assert rels_name("") == "_rels/.rels"


def test_a_part_the_gate_finds_is_the_part_the_reader_reads(tmp_path: Path) -> None:
    """A target written percent-escaped: the gate found the part there, and the reader read
    it too (before, the reader looked for the escaped name and went without the styles)."""
    parts = package_parts(SAMPLE_POLICY)
    parts["word/sty les.xml"] = parts.pop("word/styles.xml")
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b'Target="styles.xml"', b'Target="sty%20les.xml"')
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b'"/word/styles.xml"', b'"/word/sty les.xml"')
    form = tmp_path / "policy.docx"
    package_bytes(parts, form)
    assert check_file(form) == "docx"
    with WordPackage(form) as package:
        assert package.related(RT_STYLES) == "word/sty les.xml"
