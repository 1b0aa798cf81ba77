"""Footnotes and endnotes: numbered in their section with their text, or named if not carried.

The notes parts are written as Word writes them (tests/helpers/word_parts.py): separator
notes first, each note's own reference mark, a space, its text; a link in a note is the
notes part's own relationship, not the document's.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.records import FormRecord, Note, Paragraph, Run
from tests.helpers.officers import appendix3_document
from tests.helpers.word_parts import Notes

LAW = "https://www.legislation.gov.uk/ukpga/2014/23/section/26"


def _noted(path: Path, framework: Framework) -> FormRecord:
    """The Appendix 3 policy with a footnote on 8.1, an endnote and a footnote on 8.2, a
    footnote on 5.1 and one in the details table."""
    document = appendix3_document()
    paragraphs = {p.text.split(" ")[0]: p for p in document.paragraphs}
    notes = Notes(document)
    notes.add(paragraphs["8.1"], "Care Act 2014, section 26, at", link=(" legislation", LAW))
    notes.add(paragraphs["8.2"], "Charging <b>guidance</b> & {{ annex }}.", "endnote")
    notes.add(paragraphs["8.2"], "Statutory guidance, chapter 8.")
    notes.add(paragraphs["5.1"], "Who counts as a carer.")
    notes.add(document.tables[0].rows[0].cells[1].paragraphs[0], "Version as approved.")
    notes.finish()
    document.save(str(path))
    return read_form(path, framework, "docx")


def test_notes_are_numbered_in_their_section_and_end_it(
    tmp_path: Path, framework: Framework
) -> None:
    record = _noted(tmp_path / "notes.docx", framework)
    policy = record.section("policy")
    assert policy is not None
    assert policy.blocks[-3:] == (
        Note(1, (Run("Care Act 2014, section 26, at"), Run(" legislation", href=LAW)), "footnote"),
        Note(2, (Run("Charging <b>guidance</b> & {{ annex }}."),), "endnote"),
        Note(3, (Run("Statutory guidance, chapter 8."),), "footnote"),
    )
    second = next(b for b in policy.blocks if b.text.startswith("If you are receiving"))
    assert isinstance(second, Paragraph)
    assert [(r.text, r.note) for r in second.runs if r.note] == [("2", 2), ("3", 3)]
    applies = record.section("applies_to")
    assert applies is not None
    assert [b for b in applies.blocks if isinstance(b, Note)] == [
        Note(1, (Run("Who counts as a carer."),), "footnote")
    ]


def test_a_note_outside_the_sections_is_named_as_not_carried(
    tmp_path: Path, framework: Framework
) -> None:
    record = _noted(tmp_path / "notes.docx", framework)
    assert [(v.text, v.location) for v in record.not_carried] == [
        ("a footnote ('Version as approved.')", "table 1, before the first section")
    ]
    assert record.fields["version"].text == "2"  # the marker adds nothing to the value


def test_a_picture_in_a_note_is_named_as_not_carried(tmp_path: Path, framework: Framework) -> None:
    document = appendix3_document()
    paragraphs = {p.text.split(" ")[0]: p for p in document.paragraphs}
    notes = Notes(document)
    notes.add(paragraphs["8.1"], "Source: the 2023 survey.", drawing=True)
    notes.add(paragraphs["8.2"], "Statutory guidance, chapter 8.")
    notes.finish()
    document.save(str(tmp_path / "pictured.docx"))
    record = read_form(tmp_path / "pictured.docx", framework, "docx")
    lost = [(v.text, v.location) for v in record.not_carried]
    assert len(lost) == 1 and lost[0][0] == "a picture in a footnote ('Source: the 2023 survey.')"
    assert "8. The Policy" in lost[0][1]
    policy = record.section("policy")
    assert policy is not None and [b for b in policy.blocks if isinstance(b, Note)] == [
        Note(1, (Run("Source: the 2023 survey."),), "footnote"),  # its words are still carried
        Note(2, (Run("Statutory guidance, chapter 8."),), "footnote"),
    ]
