"""Addresses from forms and people.csv: a bad address is a warning, never a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.notify.people import People, parse_address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("sarah.mackereth@devon.gov.uk", "sarah.mackereth@devon.gov.uk"),
        ("  Sarah Mackereth <sarah@devon.gov.uk> ", "sarah@devon.gov.uk"),
        ("sarah at devon dot gov dot uk", None),
        ("sarah@devon", None),
        ("a@b.uk, c@d.uk", None),
        ("", None),
    ],
)
def test_parse_address(text: str, address: str | None) -> None:
    assert parse_address(text) == address


def test_people_csv_finds_a_name_written_with_its_job_title(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(
        "Name,Email,Role\n"
        "Sarah Mackereth,sarah@devon.gov.uk,Principal Social Worker\n"
        "James Martin,james at devon,Senior Policy Officer\n",
        encoding="utf-8",
    )
    people = People.load(tmp_path)
    assert people.address_for("Sarah Mackereth, Principal Social Worker") == "sarah@devon.gov.uk"
    assert people.address_for("  sarah   MACKERETH ") == "sarah@devon.gov.uk"
    assert people.address_for("someone@else.gov.uk") == "someone@else.gov.uk"
    assert people.address_for("James Martin, Senior Policy Officer") is None
    assert people.address_for("") is None
    assert people.warnings == [
        f"{tmp_path / 'people.csv'} line 3: 'james at devon' is not an email address."
    ]


def test_no_people_csv_is_no_one_known(tmp_path: Path) -> None:
    people = People.load(tmp_path)
    assert people.addresses == {} and people.warnings == []
