"""The values the templates are given: the running title in the page header."""

from __future__ import annotations

import pytest

from pipeline.assemble.values import RUNNING_TITLE_LIMIT, running_title


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Personal Budgets Policy", "Personal Budgets Policy"),
        ("x" * RUNNING_TITLE_LIMIT, "x" * RUNNING_TITLE_LIMIT),  # at the limit: whole
        ("Word " * 30, ("Word " * 17).rstrip() + "\u2026"),  # cut at a word
        ("x" * 500, "x" * (RUNNING_TITLE_LIMIT - 1) + "\u2026"),  # no word to cut at
    ],
)
def test_the_page_header_shows_the_title_whole_or_cut_at_a_word(title: str, shown: str) -> None:
    assert running_title(title) == shown
    assert len(running_title(title)) <= RUNNING_TITLE_LIMIT
