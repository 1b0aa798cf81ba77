"""Text boxes, and what a table's cells cannot hold: read once where they stand, or named.

Word saves a text box twice (a ``wps`` drawing and, for old readers, the same box in VML
under ``mc:Fallback``); before this reader a box in a section was not read at all and one in
a table cell was read twice. The forms are the Appendix 3 policy with raw XML added as Word
writes it (tests/helpers/word_parts.py).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.records import Figure, FormRecord, Paragraph, Table
from tests.helpers.officers import DETAILS, appendix3_document, png
from tests.helpers.word_parts import hyperlink, text_box


def _read(document: Any, path: Path, framework: Framework) -> FormRecord:
    document.save(str(path))
    return read_form(path, framework, "docx")


def _texts(record: FormRecord, key: str) -> list[str]:
    section = record.section(key)
    assert section is not None
    return [b.text for b in section.blocks if isinstance(b, Paragraph)]


def _boxed(lines: list[str]) -> tuple[Any, Any]:
    """The Appendix 3 policy with a text box of ``lines`` anchored in paragraph 8.1."""
    document = appendix3_document()
    anchor = next(p for p in document.paragraphs if p.text.startswith("8.1 "))
    text_box(anchor, lines, 1)
    return document, anchor


def test_a_text_box_is_read_once_after_the_paragraph_it_is_anchored_in(
    tmp_path: Path, framework: Framework
) -> None:
    document, anchor = _boxed(["Box first line.", "Box second line."])
    record = _read(document, tmp_path / "box.docx", framework)
    texts = _texts(record, "policy")
    at = next(i for i, t in enumerate(texts) if t.startswith("A personal budget is"))
    assert texts[at + 1 : at + 3] == ["Box first line.", "Box second line."]
    assert sum(t.count("Box first line.") for t in texts) == 1
    assert record.not_carried == []  # no longer "a drawing, chart or shape"


def test_a_text_box_in_a_table_cell_is_read_once(tmp_path: Path, framework: Framework) -> None:
    document = appendix3_document()
    cell = document.tables[0].rows[1].cells[1]  # Strategic Owner
    text_box(cell.paragraphs[0], ["Deputy: Ann Other"], 1)
    record = _read(document, tmp_path / "cell.docx", framework)
    assert record.fields["strategic_owner"].text == f"{DETAILS[1][1]}\nDeputy: Ann Other"


def test_an_old_vml_text_box_without_a_drawing_is_read(
    tmp_path: Path, framework: Framework
) -> None:
    """Word 2007 and LibreOffice's .doc import write the box in VML alone."""
    document = appendix3_document()
    anchor = next(p for p in document.paragraphs if p.text.startswith("6.1 "))
    anchor._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:100pt;height:40pt">'
            "<v:textbox><w:txbxContent><w:p><w:r><w:t>Old box text.</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )
    record = _read(document, tmp_path / "vml.docx", framework)
    assert _texts(record, "why").count("Old box text.") == 1
    assert record.not_carried == []


def test_a_tracked_change_in_a_text_box_is_counted_once(
    tmp_path: Path, framework: Framework
) -> None:
    document, anchor = _boxed(["Box text."])
    for box in anchor._p.iter("{*}txbxContent"):  # both copies, as Word saves them
        box[0].append(
            parse_xml(
                f'<w:ins {nsdecls("w")} w:id="7" w:author="Jo Adams" w:date="2024-05-01T09:00:00Z">'
                "<w:r><w:t> Inserted.</w:t></w:r></w:ins>"
            )
        )
    record = _read(document, tmp_path / "tracked.docx", framework)
    assert record.revisions == {"Jo Adams": 1}
    assert "Box text. Inserted." in _texts(record, "policy")


def test_a_link_in_a_section_table_keeps_its_words_and_its_address_is_named(
    tmp_path: Path, framework: Framework
) -> None:
    document = appendix3_document()
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip((c for r in table.rows for c in r.cells), "ABCD", strict=True):
        cell.text = text
    hyperlink(table.rows[1].cells[0].paragraphs[0], " the Care Act", "https://example.org/act")
    record = _read(document, tmp_path / "link.docx", framework)
    section = record.section("policy")
    assert section is not None
    assert section.blocks[-1] == Table((("A", "B"), ("C the Care Act", "D")), header=True)
    assert [(v.text, v.location) for v in record.not_carried] == [
        (
            "the address of the link 'the Care Act' (https://example.org/act)",
            "table 2 in section '8. The Policy'",
        )
    ]


def test_a_picture_in_a_text_box_is_carried_once_with_its_alt_text(
    tmp_path: Path, framework: Framework
) -> None:
    document, anchor = _boxed(["Box caption."])
    holder = document.add_paragraph()
    holder.add_run().add_picture(io.BytesIO(png(40, 20)))
    holder._p.xpath(".//wp:docPr")[-1].set("descr", "A boxed diagram.")
    holder._p.getparent().remove(holder._p)
    for box in anchor._p.iter("{*}txbxContent"):  # in the drawing and in its VML copy
        box.append(copy.deepcopy(holder._p))
    record = _read(document, tmp_path / "boxed-picture.docx", framework)
    section = record.section("policy")
    assert section is not None
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert [(f.alt, f.place) for f in figures] == [
        ("A boxed diagram.", "Picture 1 in section '8. The Policy'")
    ]
    assert record.not_carried == []
