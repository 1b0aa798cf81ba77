"""Label matching: one normalisation for field labels, headings, column headers and choices."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pipeline.framework_load import default_framework
from pipeline.labels import best_match, matches, name_key, normalise

NORMALISED = [
    ("Strategic Owners:", "strategic owner"),
    ("8. The Policy", "the policy"),
    ("Time-Scale", "time scale"),
    ("  POLICY\u00a0TITLE  ", "policy title"),
    ("Equality & Impact Assessment", "equality and impact assessment"),
    ("2.1.3 Version", "version"),
    ("a) Business owner", "business owner"),
    ("(iv) Business owner", "business owner"),
    ("Appendix 3 The policy template", "the policy template"),
    ("Date of approval / commencement", "date of approval commencement"),
    ("\uff34itle", "title"),  # full-width T (NFKC)
    ("Issues identified / Action to be taken", "issue identified action to be taken"),
    # plurals fold, but not words that only look plural
    ("Business owners", "business owner"),
    ("Status", "status"),
    ("Address", "address"),
    ("Analysis", "analysis"),
    ("Bus", "bus"),
    ("Yes", "yes"),
    ("", ""),
    ("::", ""),
]


@pytest.mark.parametrize(("text", "expected"), NORMALISED)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Strategic owners:", ["Strategic owner"], True),
        ("STRATEGIC OWNER", ["Business owner", "Strategic owner"], True),
        ("Strategic", ["Strategic owner"], False),
        ("Owner", ["Strategic owner"], False),
        ("", [""], False),  # a blank label matches nothing, not a blank alias
        ("::", ["--"], False),
        ("Title", [], False),
    ],
)
def test_matches(text: str, names: list[str], expected: bool) -> None:
    assert matches(text, names) is expected


def test_best_match_takes_the_first_option_whose_names_match() -> None:
    options = [("a", ["Policy title", "Title"]), ("b", ["Title"]), ("c", ["Version"])]
    assert best_match("title:", options) == "a"
    assert best_match("1. VERSION", options) == "c"
    assert best_match("Author", options) is None
    assert best_match("   ", [("blank", [""])]) is None


LEVELS = default_framework().sign_off_levels
CHANGES = default_framework().change_types


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Head of Service", "head_of_service"),
        ("heads of integrated adult social care", "head_of_service"),
        ("OSLT", "head_of_service"),
        ("Lead Member", "political"),
        ("Cabinet members", "political"),
        ("Director", "chief_officer"),
        ("Policy Team", "policy_manager"),
        ("policy_manager", "policy_manager"),  # the key itself
        ("Deputy Head", None),
    ],
)
def test_sign_off_levels_as_officers_write_them(written: str, key: str | None) -> None:
    assert best_match(written, ((level.key, level.names) for level in LEVELS)) == key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("New", "new"),
        ("Significant change", "major"),
        ("Minor amendments", "minor"),
        ("Withdrawal", "removal"),
        ("Tweak", None),
    ],
)
def test_change_types_as_officers_write_them(written: str, key: str | None) -> None:
    assert best_match(written, ((ct.key, ct.names) for ct in CHANGES)) == key


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assume(not once[:1].isdigit())  # "8-the" -> "8 the": a number a second pass would strip
    assert normalise(once) == once


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("8.The Policy", "the policy"),  # found by the property above: no space after "8."
        ("8)The Policy", "the policy"),
        ("5.1.Scope", "scope"),
        ("2FA Policy", "2fa policy"),  # a number that is part of the word stays
        ("3.5mg Dose", "3 5mg dose"),
    ],
)
def test_a_heading_number_without_a_space_is_dropped(written: str, key: str) -> None:
    assert normalise(written) == key


WORDS = st.text(st.characters(categories=("L", "Zs")))  # no "0 :" or "a) :" heading numbers


@given(
    WORDS,
    st.sampled_from(["", " ", "  ", "\t", "\u00a0"]),
    st.sampled_from(["", ":", " :", "."]),
)
def test_case_spacing_and_a_trailing_colon_never_change_a_match(
    text: str, pad: str, colon: str
) -> None:
    assert normalise(f"{pad}{text.upper()}{pad}{colon}") == normalise(text.upper())
    if normalise(text):
        assert matches(f"{pad}{text}{colon}", [text])


@given(st.text(max_size=40))
def test_a_framework_names_key_is_its_normalised_form(name: str) -> None:
    # name_key is normalise kept per process, for the framework's names: never a different rule
    assert name_key(name) == normalise(name)
    assert name_key(name) == normalise(name)  # the second answer comes from the cache
