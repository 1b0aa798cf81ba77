"""The tracked-changes document, read back with python-docx and lxml: styles, marks, text."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
from lxml import etree

from pipeline.compare.tracked import AUTHOR, tracked_docx
from tests.helpers.comparisons import TITLE, every_kind

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHEN = datetime(2026, 5, 1, 12, 30, 15, 999)


def test_every_change_is_a_mark_in_the_items_style() -> None:
    data = tracked_docx(every_kind(), TITLE, WHEN)
    document = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", f"{TITLE}, version 2")
    assert paragraphs[1][1].startswith("Changes in version 2 since version 1.1")
    assert [name for name, _ in paragraphs[2:]] == [
        "Heading 1", "Heading 2", "List Bullet",  # the section added
        "Heading 1", "List Number",  # removed
        "Heading 1", "Normal", "Normal", "Normal", "Normal",  # changed
        "Heading 1", "Normal",  # the same
    ]  # fmt: skip
    assert document.core_properties.title == f"{TITLE}: changes since version 1.1"
    assert document.core_properties.author == AUTHOR
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    marks = [*root.iter(f"{W}ins"), *root.iter(f"{W}del")]
    # 2 headings, 4 whole paragraphs (mark and text), 2 words changed
    assert len({m.get(f"{W}id") for m in marks}) == len(marks) == 14
    assert {(m.get(f"{W}author"), m.get(f"{W}date")) for m in marks} == {
        (AUTHOR, "2026-05-01T12:30:15Z")
    }
    deleted = ["".join(e.itertext()) for e in root.iter(f"{W}delText")]
    assert deleted == ["Gone", "Removed\nline", "Row: a | b", "b"]
    inserted = [
        "".join(t.text or "" for t in e.iter(f"{W}t")) for e in root.iter(f"{W}ins") if len(e)
    ]
    assert inserted == [
        'Added & "new"',
        "A heading",
        " tab\there \u2019quoted\u2019 ",
        "Row: a | b",
        "x",
    ]


def test_a_character_xml_cannot_hold_is_replaced_not_a_broken_file() -> None:
    document = docx.Document(io.BytesIO(tracked_docx(every_kind(), TITLE, WHEN)))
    assert any(p.text.endswith(" c\ufffd") for p in document.paragraphs)
