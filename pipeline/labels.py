"""Matching what officers write to what the framework calls it.

Officers rename labels, add colons, change case and spacing, write plurals ("Strategic
owners"), number headings ("8. The Policy") and use the framework's aliases. One
normalisation serves field labels, section headings, column headers and choice values,
so every stage is exactly as tolerant as every other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

_LEADING_NUMBER = re.compile(
    r"^\s*(?:appendix\s+)?"
    r"(?:(?:\d+(?:\.\d+)*\.?|[a-z]\)|\([a-z0-9]+\))\s+"  # "8. The Policy", "a) Scope"
    r"|\d+(?:\.\d+)*[.)](?=[^\W\d_]))",  # "8.The Policy" typed with no space: the number goes
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


_SHORT = 80  # characters: labels and headings, which recur from form to form


def normalise(text: str) -> str:
    """Case-, space-, punctuation- and plural-insensitive form of a label.

    "Strategic Owners:" -> "strategic owner"; "8. The Policy" -> "the policy";
    "Time-Scale" -> "time scale". Short texts are kept for the process (it is pure): every
    form of a batch repeats the same labels and headings, and each is normalised several
    times while a form is recognised and read (``make bench`` row g, "read").
    """
    return _normalise_short(text) if len(text) <= _SHORT else _normalise(text)


@lru_cache(maxsize=4096)
def _normalise_short(text: str) -> str:
    return _normalise(text)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _LEADING_NUMBER.sub("", text)
    text = text.replace("&", " and ")
    words = _NON_WORD.sub(" ", text.casefold()).split()
    # a plural's "s" goes (not from "ss", "us", "is" or short words); inline, as a function
    # call per word was most of normalising a paragraph
    return " ".join(
        [w[:-1] if w[-1] == "s" and len(w) > 3 and w[-2] not in "siu" else w for w in words]
    )


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """:func:`normalise` for the framework's own names (labels, aliases, headings, phrases),
    kept for the process: the same few hundred names are compared with every label of every
    form, and normalising them again was a third of reading a form (``make bench`` row g)."""
    return normalise(name)


def matches(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` is one of ``names`` once both are normalised."""
    key = normalise(text)
    return bool(key) and any(key == name_key(n) for n in names)


def best_match(text: str, options: Iterable[tuple[T, Iterable[str]]]) -> T | None:
    """The option whose names match ``text``; ``None`` when none does."""
    key = normalise(text)
    if not key:
        return None
    for value, names in options:
        if any(key == name_key(n) for n in names):
            return value
    return None
