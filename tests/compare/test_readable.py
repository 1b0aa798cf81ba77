"""The readable comparison, read back with python-docx: every change in words and looks."""

from __future__ import annotations

import io

import docx
from docx.shared import RGBColor

from pipeline.compare.readable import DELETED, INSERTED, readable_docx
from tests.helpers.comparisons import TITLE, every_kind


def test_every_change_is_said_in_words_underlined_or_struck_and_coloured() -> None:
    document = docx.Document(io.BytesIO(readable_docx(every_kind(), TITLE)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"{TITLE}: changes in version 2 since version 1.1"
    assert texts[2:7] == [
        "Sections changed: 3",
        "Paragraphs added: 2",
        "Paragraphs removed: 1",
        "Paragraphs changed: 1",
        "Paragraphs moved: 1",
    ]
    body = texts[8:]
    assert body == [
        'Added & "new" [section added]',
        "[paragraph added] [inserted: A heading]",
        "[paragraph added]  [inserted: tab\there \u2019quoted\u2019] ",  # a tab stays a tab
        "Gone [section removed]",
        "[paragraph removed] [deleted: Removed\nline]",  # a line break stays one
        "Changed",
        "Same",
        "[paragraph moved from here] [deleted: Row: a | b]",
        "[paragraph moved here] [inserted: Row: a | b]",
        "a [deleted: b] [inserted: x] c\ufffd",
        "Unchanged",
        "No changes in this section.",
    ]
    changed = document.paragraphs[8 + 9].runs
    deleted, inserted = changed[1], changed[3]
    assert (deleted.font.strike, deleted.font.color.rgb) == (True, RGBColor.from_string(DELETED))
    assert (inserted.font.underline, inserted.font.color.rgb) == (
        True,
        RGBColor.from_string(INSERTED),
    )
    assert document.paragraphs[9].runs[0].bold
    assert [document.paragraphs[i].style.name for i in (0, 1, 2, 9, 10)] == [  # type: ignore[union-attr]
        "Title", "Heading 1", "List Bullet", "Heading 2", "List Bullet",
    ]  # fmt: skip
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.title == f"{TITLE}: changes since version 1.1"
