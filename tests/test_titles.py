"""The one rule for "same policy": which titles it joins and, as importantly, which it keeps apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.titles import same_title, title_key

SAME = [
    ("Carers Support Policy", "carers support policy"),
    ("Carers Support Policy", "  CARERS   SUPPORT\tPOLICY  "),
    ("Carers Support Policy", "Carers Support Policy."),
    ("Carers Support Policy", "Carers - Support - Policy"),
    ("Carers' Support Policy", "Carers Support Policy"),
    ("Carers\u2019 Support Policy", "Carers' Support Policy"),
    ('"Carers Support" Policy', "\u201cCarers Support\u201d Policy"),
    ("3. Carers Support Policy", "Carers Support Policy"),
    ("3) Carers Support Policy", "Carers Support Policy"),
    ("2.1 Carers Support Policy", "Carers Support Policy"),
    ("Carers & Families Policy", "Carers and Families Policy"),
    ("Carers\u00a0Support Policy", "Carers Support Policy"),  # non-breaking space
    ("Carers\u200b Support Policy", "Carers Support Policy"),  # zero-width space
    ("Care\u00adrs Support Policy", "Carers Support Policy"),  # soft hyphen
    ("\uff23arers Support Policy", "Carers Support Policy"),  # full-width C (NFKC)
    ("Safeguarding/Adults", "Safeguarding Adults"),
]

NOT_SAME = [
    ("Carers Support Policy", "Carer Support Policy"),  # plural: our decision, see title_key
    ("Charges Policy", "Charge Policy"),
    ("Carers Support Policy", "Carers Support"),
    ("2024 Charging Policy", "2025 Charging Policy"),  # a bare number may tell them apart
    ("2024 Charging Policy", "Charging Policy"),
    ("Falls Prevention Policy", "Falls Policy"),
    ("Café Policy", "Cafe Policy"),
    ("", ""),  # no words: matches nothing
    ("...", "-"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_titles_typed_differently_are_the_same_policy(a: str, b: str) -> None:
    assert same_title(a, b)
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(("a", "b"), NOT_SAME)
def test_titles_that_differ_in_words_are_different_policies(a: str, b: str) -> None:
    assert not same_title(a, b)


def test_the_key_is_plain_words() -> None:
    assert title_key(" 3. Carers\u2019 Support & Respite - Policy. ") == (
        "carers support and respite policy"
    )


@given(st.text(), st.sampled_from(["", " ", "  ", "\t", "\u00a0 "]))
def test_case_and_surrounding_space_never_change_a_title_key(title: str, pad: str) -> None:
    assert title_key(f"{pad}{title.casefold()}{pad}") == title_key(title)
