"""Comparisons made from real forms read by the real readers: nothing reported where the
words are the same, and exactly what changed where they are not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline.compare.diff import Comparison, compare, word_changes, words_key
from pipeline.compare.stored import from_json, to_json
from pipeline.forms.read import read_form
from pipeline.records import FormRecord, Note, Paragraph, Run, SectionContent
from pipeline.safety.check import check_file
from tests.helpers.hostile import FRAMEWORK, Case, slots
from tests.helpers.hostile_forms import write_form
from tests.helpers.paths import SAMPLE_POLICY
from tests.helpers.versions import Edits, policy_version

TODAY = date(2026, 11, 1)
SECTION_TEXT = (
    "This policy applies to adults with eligible needs.\n"
    "It also applies to carers \u201cwho ask\u201d, and to people we fund."
)


def _read(path: Path) -> FormRecord:
    return read_form(path, FRAMEWORK, check_file(path))


def _version(tmp_path: Path, version: str, edits: Edits | None = None) -> FormRecord:
    path = tmp_path / f"v{version}.docx"
    path.write_bytes(policy_version(version, edits or Edits()))
    return _read(path)


def _record(*texts: str) -> FormRecord:
    blocks = tuple(Paragraph((Run(t),)) for t in texts)
    return FormRecord(
        "policy", Path("x"), sections=[SectionContent("policy", "The Policy", blocks)]
    )


def test_a_version_compared_with_itself_has_no_changes() -> None:
    record = _read(SAMPLE_POLICY)
    found = compare(record, record, "3", "3")
    assert found.unchanged
    assert found.summary_line() == "Version 3 has no changes since version 3."


def test_the_same_text_typed_in_excel_and_in_word_has_no_changes(tmp_path: Path) -> None:
    form = FRAMEWORK.form("policy")
    values = tuple((s, SECTION_TEXT) for s in slots(form) if s.kind == "section")
    word = _read(write_form(Case("policy", "docx", values), tmp_path / "p.docx", TODAY))
    excel = _read(write_form(Case("policy", "xlsx", values), tmp_path / "p.xlsx", TODAY))
    found = compare(word, excel, "1", "2")
    assert found.unchanged, found.summary
    changed = Case(
        "policy", "xlsx", ((values[0][0], SECTION_TEXT.replace("carers", "unpaid carers")),)
    )
    other = _read(write_form(changed, tmp_path / "q.xlsx", TODAY))
    assert compare(excel, other, "2", "3").summary["paragraphs changed"] == 1


def test_renumbering_is_not_a_change(tmp_path: Path) -> None:
    v2 = _version(tmp_path, "2")
    v3 = _version(tmp_path, "3", Edits(remove=frozenset({"8.2"})))  # 8.3 to 8.13 renumbered
    assert compare(v2, v3, "2", "3").summary == {
        "sections changed": 1,
        "paragraphs added": 0,
        "paragraphs removed": 1,
        "paragraphs changed": 0,
        "paragraphs moved": 0,
    }
    typed = compare(
        _record("4.3 Same words.", "4.4 More."), _record("4.4 Same words.", "4.5 More."), "1", "2"
    )
    assert typed.unchanged


def test_a_moved_paragraph_is_one_move_not_an_addition_and_a_removal() -> None:
    old = _record("First things first.", "Second of all.", "Third and last.")
    new = _record("Second of all.", "Third and last.", "First things first.")
    found = compare(old, new, "1", "2")
    assert found.summary == {
        "sections changed": 1,
        "paragraphs added": 0,
        "paragraphs removed": 0,
        "paragraphs changed": 0,
        "paragraphs moved": 1,
    }


def test_a_reworded_paragraph_changes_only_its_words() -> None:
    found = compare(
        _record("We review it every year."), _record("We review it every six months."), "1", "2"
    )
    (change,) = found.sections[0].changes
    assert change.kind == "changed"
    assert [(op, t) for op, t in change.words if op != "equal"] == [
        ("delete", "year"),
        ("insert", "six months"),
    ]
    assert word_changes("a b", "a b") == (("equal", "a b"),)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("4.3 Words here", "Words here"),
        ("(a) Words", "Words"),
        ("iv. Words", "Words"),
        ("Words  \u2019x\u2019", "Words 'x'"),
    ],
)
def test_words_key_drops_numbers_and_spacing(typed: str, words: str) -> None:
    assert words_key(typed) == words


def test_a_stored_record_compares_as_the_record_it_was(tmp_path: Path) -> None:
    record = _read(SAMPLE_POLICY)
    again = from_json(to_json(record))
    assert [(s.key, s.heading, s.blocks) for s in again.sections] == [
        (s.key, s.heading, s.blocks) for s in record.sections
    ]
    assert compare(record, again, "3", "3") == Comparison(
        "3", "3", compare(record, record, "3", "3").sections
    )


def test_a_stored_record_keeps_its_notes_and_a_new_note_is_a_change() -> None:
    marked = Paragraph((Run("Said here."), Run("1", note=1)))
    note = Note(1, (Run("Care Act 2014, section 26."),), "endnote")
    record = FormRecord(
        "policy", Path("x.docx"), sections=[SectionContent("policy", "P", (marked, note))]
    )
    again = from_json(to_json(record))
    assert again.sections[0].blocks[1] == note
    changed = FormRecord(
        "policy",
        Path("x.docx"),
        sections=[
            SectionContent("policy", "P", (marked, replace(note, runs=(Run("Section 27."),))))
        ],
    )
    assert not compare(again, changed, "1", "2").unchanged
