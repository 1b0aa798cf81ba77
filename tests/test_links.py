"""The one link rule: only http, https and mailto addresses become links, in Word and on the web."""

from __future__ import annotations

import pytest

from pipeline.links import safe_href


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://www.gov.uk/care", "https://www.gov.uk/care"),
        ("  http://example.org/a b\r\n", "http://example.org/a%20b"),
        ("mailto:team@example.gov.uk", "mailto:team@example.gov.uk"),
        ("mailto:", None),
        ("javascript:alert(1)", None),
        ("file:///C:/secret.docx", None),
        ("policies/other.docx", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(given: str | None, expected: str | None) -> None:
    assert safe_href(given) == expected
