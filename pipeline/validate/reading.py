"""Plain English, measured: sentence lengths and a readability score for a document's text.

GOV.UK's style guide asks for sentences of no more than 25 words. The framework file says
which limits apply (``[reading]``; 0 is off, as Devon ships), and a section over them is a
warning to the officer, never a rejection: long sentences are a reason to edit, not to
refuse a policy. The score is the Automated Readability Index (a US school grade, from
characters, words and sentences), computed here exactly as textstat 0.7 computes it
(``automated_readability_index`` and ``lexicon_count``, their counting rules copied below):
importing textstat imports nltk and cost 235 ms of every command's start-up on this machine
(``python -X importtime -c "import textstat"``) for two formulas of a few lines. Syllable
scores (Flesch) would need a pronouncing dictionary, fetched from the internet on first use,
which this pipeline must never do. Refuses nothing and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.framework import Framework
from pipeline.records import FormRecord, Table, block_text

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
# textstat 0.7's rules: a word is what is left between spaces once punctuation is gone
# (hyphens too; apostrophes only outside English contractions); its sentences for ARI are
# runs ending in .!? with more than two words.
_NOT_CONTRACTION = re.compile(r"'(?![tsd]|ve|ll|re)")
_PUNCTUATION = re.compile(r"[^\w\s']")
_ARI_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_SPACE = re.compile(r"\s")
LONGEST_SHOWN = 3


@dataclass(frozen=True)
class Measures:
    sentences: int
    words: int
    longest: tuple[int, ...]  # the longest sentences' word counts, longest first
    grade: float  # Automated Readability Index

    @property
    def average(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    def summary(self) -> str:
        """ "14.2 words a sentence; longest 38, 31, 29; readability grade 10.1 (ARI)"."""
        if not self.sentences:
            return ""
        longest = ", ".join(str(n) for n in self.longest)
        return (
            f"{self.average:.1f} words a sentence; longest {longest}; "
            f"readability grade {self.grade:.1f} (ARI)"
        )


def sentences(texts: Iterable[str]) -> list[str]:
    """Each text (a paragraph, a list item, a cell) split into sentences; never across texts."""
    found: list[str] = []
    for text in texts:
        found += [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]
    return found


def words(sentence: str) -> int:
    """Words as textstat's ``lexicon_count`` counts them."""
    return len(_PUNCTUATION.sub("", _NOT_CONTRACTION.sub("", sentence)).split())


def readability_index(text: str) -> float:
    """The Automated Readability Index as textstat's ``automated_readability_index``:
    4.71 x characters per word (punctuation kept) + 0.5 x words per sentence - 21.43."""
    raw_words = len(text.split())
    found = _ARI_SENTENCE.findall(text)
    count = max(1, len(found) - sum(1 for s in found if words(s) <= 2)) if text else 0
    per_word = len(_SPACE.sub("", text)) / raw_words if raw_words else 0.0
    per_sentence = words(text) / count if count else 0.0
    if per_word == 0 or per_sentence == 0:
        return 0.0
    return 4.71 * per_word + 0.5 * per_sentence - 21.43


def measure(texts: Iterable[str]) -> Measures:
    parts = sentences(texts)
    counts = sorted((words(s) for s in parts), reverse=True)
    joined = " ".join(p if p[-1] in ".!?" else p + "." for p in parts)
    grade = readability_index(joined) if parts else 0.0
    return Measures(len(parts), sum(counts), tuple(counts[:LONGEST_SHOWN]), grade)


def section_texts(record: FormRecord, key: str) -> list[str]:
    content = record.section(key)
    if content is None:
        return []
    texts: list[str] = []
    for block in content.blocks:
        if isinstance(block, Table):
            texts += [cell for row in block.rows for cell in row]
        else:
            texts.append(block_text(block))
    return [t for t in texts if t.strip()]


def document_texts(record: FormRecord, framework: Framework) -> list[str]:
    """The words a reader reads: every section, and the long answers of the form."""
    form = framework.form(record.form_type)
    texts = [t for s in form.sections for t in section_texts(record, s.key)]
    return texts + [record.value(f.key) for f in form.fields if f.type == "longtext"]


@dataclass(frozen=True)
class OverLimit:
    """A section over the framework's limits, for the officer's warning."""

    section: str
    long_sentences: int
    longest: str  # the longest sentence, its start
    longest_words: int
    average: float


def over_limits(record: FormRecord, framework: Framework) -> list[tuple[int, OverLimit]]:
    """(section index, what is over) for each section over ``[reading]``'s limits."""
    limits = framework.reading
    if not (limits.max_sentence_words or limits.max_average_sentence_words):
        return []
    found: list[tuple[int, OverLimit]] = []
    for index, section in enumerate(framework.form(record.form_type).sections):
        parts = sentences(section_texts(record, section.key))
        if not parts:
            continue
        counts = [words(s) for s in parts]
        average = sum(counts) / len(counts)
        long = [n for n in counts if limits.max_sentence_words and n > limits.max_sentence_words]
        too_long_average = bool(limits.max_average_sentence_words) and (
            average > limits.max_average_sentence_words
        )
        if long or too_long_average:
            top = max(range(len(parts)), key=lambda i: counts[i])
            start = " ".join(parts[top].split()[:12])
            found.append((index, OverLimit(section.title, len(long), start, counts[top], average)))
    return found
