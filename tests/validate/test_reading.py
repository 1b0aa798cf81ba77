"""Reading measures: sentence lengths and a score, and the warning when the framework asks."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.framework import Reading
from pipeline.framework_load import load_framework
from pipeline.records import FieldValue, FormRecord, ListItem, Paragraph, Run, SectionContent
from pipeline.validate.reading import measure, over_limits, readability_index, sentences, words
from pipeline.validate.rules import Context, validate

FW = load_framework()
LONG = " ".join(["word"] * 30) + "."
SHORT = "Your needs come first. We will ask you."


def test_sentences_split_within_a_paragraph_never_across_items() -> None:
    assert sentences([SHORT, "a list item without a stop", "Another? Yes."]) == [
        "Your needs come first.",
        "We will ask you.",
        "a list item without a stop",
        "Another?",
        "Yes.",
    ]


def test_measures_average_longest_and_a_score() -> None:
    m = measure([SHORT, LONG])
    assert (m.sentences, m.words, m.longest) == (3, 38, (30, 4, 4))
    assert round(m.average, 1) == 12.7
    assert m.summary().startswith("12.7 words a sentence; longest 30, 4, 4; readability grade ")
    assert measure([]).summary() == ""


def policy(*texts: str) -> FormRecord:
    first = FW.form("policy").sections[0]
    blocks = tuple(Paragraph((Run(t),)) for t in texts) + (ListItem((Run("short item"),)),)
    return FormRecord(
        "policy",
        Path("p.docx"),
        fields={"title": FieldValue("Carers Policy")},
        sections=[SectionContent(first.key, first.title, blocks)],
    )


def test_off_by_default_for_devon() -> None:
    assert FW.reading == Reading()
    assert over_limits(policy(LONG), FW) == []


def test_a_section_over_the_limit_is_a_warning_naming_it_and_its_longest_sentence() -> None:
    fw = dataclasses.replace(FW, reading=Reading(max_sentence_words=25))
    assert over_limits(policy(SHORT), fw) == []
    problems = [
        p
        for p in validate(policy(SHORT, LONG), fw, Context(today=date(2026, 3, 1)))
        if "sentences" in p.message
    ]
    assert len(problems) == 1
    (found,) = problems
    assert found.severity == "warning"
    assert FW.form("policy").sections[0].title in found.message
    assert "at most 25 words a sentence" in found.message and "30 words" in found.message


def test_a_limit_that_is_not_a_number_is_refused_naming_it(tmp_path: Path) -> None:
    text = FW.source.read_text(encoding="utf-8").replace(
        "max_sentence_words = 0", 'max_sentence_words = "twenty"'
    )
    (tmp_path / "fw.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[reading\] max_sentence_words"):
        load_framework(tmp_path / "fw.toml")


# Figures textstat 0.7.13 gives for these texts (lexicon_count, automated_readability_index):
# the pipeline computes the same two measures itself rather than import textstat (and nltk).
TEXTSTAT = [
    ("The council reviews your personal budget every year. We will tell you why.", 13, 4.2831),
    ("Self-funders don't pay twice \u2014 ever. It's the law; see section 5 (a).", 12, 2.2215),
    ("Yes. No. We agree that this is right.", 8, 0.2325),
]


@pytest.mark.parametrize(("text", "count", "grade"), TEXTSTAT)
def test_words_and_grade_are_textstats(text: str, count: int, grade: float) -> None:
    assert words(text) == count
    assert readability_index(text) == pytest.approx(grade, abs=1e-4)


def test_no_words_no_grade() -> None:
    assert readability_index("") == 0.0
    assert readability_index("...") == 0.0
