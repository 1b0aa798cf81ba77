"""The one rule that says whether two policy titles name the same policy.

A policy's identity is its reference; a form without one is matched to a policy by its
title. The batch, the journal (its ``policies.title_key`` column and ``reserved_refs``
table) and the run's checks all call :func:`title_key`, so whether two forms share a
reference never depends on which stage, batch or order they went through. Nothing here
imports the rest of the pipeline, so the journal's schema upgrade can use it too.

Deliberately stricter than :func:`pipeline.labels.normalise`, which folds plurals for field
labels: a label that matches too loosely finds the wrong box, but a title that matches too
loosely makes two policies share one reference.
"""

from __future__ import annotations

import re
import unicodedata

# "3. Carers Policy", "3) Carers Policy", "3: Carers Policy", "2.1 Carers Policy". A bare
# leading number ("2024 Charging Policy") is kept: it may be what tells two policies apart.
# An item number before words; a title that is only a number keeps it ("0." is "0").
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.):])\s+(?=\S)")
_APOSTROPHES = frozenset("'\u2018\u2019\u201b\u02bc\u00b4`")


def title_key(title: str) -> str:
    """The key two titles share exactly when they name the same policy.

    The same title: any case ("CARERS POLICY"); any spacing, including non-breaking and
    zero-width spaces; punctuation and quotes ("Carers - Policy.", '"Carers" Policy');
    apostrophes, straight or curly ("Carers' Policy" is "Carers Policy"); "&" for "and"; a
    leading item number ("3. Carers Policy"); and the Unicode compatibility forms Word
    substitutes (NFKC: ligatures, full-width letters).

    Not the same title: singular and plural ("Carer Support Policy" and "Carers Support
    Policy"), or any other difference in the words. This is a decision, not an oversight: a
    false merge silently gives two different policies one reference, so each overwrites the
    other's documents and register row; a false split shows in the register as a second
    row, and the officer puts it right by writing the reference on the form.

    An empty key means the title has no words and matches nothing.
    """
    text = unicodedata.normalize("NFKC", title).strip()
    text = _LEADING_NUMBER.sub("", text).casefold()
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _APOSTROPHES or category == "Cf":  # Cf: zero-width spaces, soft hyphens
            continue
        if ch == "&":
            out.append(" and ")
        elif category[0] in "PSZC" or ch.isspace():
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def same_title(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` name the same policy by :func:`title_key` (never when blank)."""
    key = title_key(a)
    return bool(key) and key == title_key(b)
