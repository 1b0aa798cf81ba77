"""Dates as officers write them: days, months, financial quarters, and what is not a date."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.dates import (
    DateRange,
    add_months,
    financial_quarter,
    format_date,
    parse_date,
    quarter_label,
    quarter_range,
)


def day(y: int, m: int, d: int) -> DateRange:
    return DateRange.day(date(y, m, d))


def span(start: date, end: date) -> DateRange:
    return DateRange(start, end)


READ = [
    ("31/12/2024", day(2024, 12, 31)),
    ("01/10/2024", day(2024, 10, 1)),
    ("1/10/2024", day(2024, 10, 1)),  # UK order: day first
    ("1.10.2024", day(2024, 10, 1)),
    ("1-10-24", day(2024, 10, 1)),
    ("2024-10-01", day(2024, 10, 1)),
    ("2024-10-01T09:30:00", day(2024, 10, 1)),
    ("2024-10-01 09:30", day(2024, 10, 1)),
    ("1 October 2024", day(2024, 10, 1)),
    ("1st October 2024", day(2024, 10, 1)),
    ("22nd Oct 2024", day(2024, 10, 22)),
    ("3 Sept 2024", day(2024, 9, 3)),
    ("3 Sep. 2024", day(2024, 9, 3)),
    ("  1\u00a0October\u202f2024. ", day(2024, 10, 1)),
    ("October 2024", span(date(2024, 10, 1), date(2024, 10, 31))),
    ("october, 2024", span(date(2024, 10, 1), date(2024, 10, 31))),
    ("February 2024", span(date(2024, 2, 1), date(2024, 2, 29))),  # leap year
    ("February 2023", span(date(2023, 2, 1), date(2023, 2, 28))),
    ("Aug 2018", span(date(2018, 8, 1), date(2018, 8, 31))),
    ("Quarter 3 2015/16", span(date(2015, 10, 1), date(2015, 12, 31))),
    ("Q3 2015/16", span(date(2015, 10, 1), date(2015, 12, 31))),
    ("q3 2015-2016", span(date(2015, 10, 1), date(2015, 12, 31))),
    ("Qtr 1, 2024/25", span(date(2024, 4, 1), date(2024, 6, 30))),
    ("Quarter 2 2024/25", span(date(2024, 7, 1), date(2024, 9, 30))),
    ("Quarter 4 2023/24", span(date(2024, 1, 1), date(2024, 3, 31))),  # Jan-Mar of 2024
    ("Q4 1999/00", span(date(2000, 1, 1), date(2000, 3, 31))),  # across a century
    (date(2024, 10, 1), day(2024, 10, 1)),  # an Excel date cell
    (datetime(2024, 10, 1, 13, 45), day(2024, 10, 1)),
]

NOT_DATES = [
    "",
    "   ",
    "31/02/2024",  # no such day
    "29/02/2023",
    "13/13/2024",
    "0/10/2024",
    "32 October 2024",
    "Smarch 2024",
    "October",
    "2024",
    "Quarter 5 2015/16",
    "Quarter 3 2015/17",  # the two years must follow each other
    "Q3 2015/15",
    "Quarter 3",
    "next year",
    "TBC",
    "2024-13-01",
    None,
    12345,
    3.5,
]


@pytest.mark.parametrize(("written", "expected"), READ, ids=str)
def test_parse_date_reads_what_officers_write(written: object, expected: DateRange) -> None:
    assert parse_date(written) == expected


@pytest.mark.parametrize("written", NOT_DATES, ids=repr)
def test_parse_date_returns_none_for_what_is_not_a_date(written: object) -> None:
    assert parse_date(written) is None


@pytest.mark.parametrize(
    ("quarter", "first_year", "start", "end"),
    [
        (1, 2024, date(2024, 4, 1), date(2024, 6, 30)),
        (2, 2024, date(2024, 7, 1), date(2024, 9, 30)),
        (3, 2024, date(2024, 10, 1), date(2024, 12, 31)),
        (4, 2024, date(2025, 1, 1), date(2025, 3, 31)),
    ],
)
def test_quarter_range_is_the_uk_financial_quarter(
    quarter: int, first_year: int, start: date, end: date
) -> None:
    assert quarter_range(quarter, first_year) == DateRange(start, end)


@pytest.mark.parametrize(
    ("d", "quarter", "label"),
    [
        (date(2024, 4, 1), (1, 2024), "Q1 2024/25"),
        (date(2024, 6, 30), (1, 2024), "Q1 2024/25"),
        (date(2024, 12, 31), (3, 2024), "Q3 2024/25"),
        (date(2025, 1, 1), (4, 2024), "Q4 2024/25"),
        (date(2025, 3, 31), (4, 2024), "Q4 2024/25"),
        (date(1999, 10, 5), (3, 1999), "Q3 1999/00"),
    ],
)
def test_financial_quarter_and_its_label(d: date, quarter: tuple[int, int], label: str) -> None:
    assert financial_quarter(d) == quarter
    assert quarter_label(d) == label


@given(st.dates(min_value=date(1000, 4, 1), max_value=date(9998, 12, 31)))
def test_every_day_lies_in_the_quarter_its_label_names(d: date) -> None:
    """The register counts by ``quarter_label``; an officer may write the label back."""
    found = quarter_range(*financial_quarter(d))
    assert found.start <= d <= found.end
    assert parse_date(quarter_label(d)) == found


@given(st.dates(min_value=date(1000, 1, 1)))
def test_what_we_write_we_read_back(d: date) -> None:
    assert parse_date(format_date(d)) == DateRange.day(d)
    assert parse_date(d.isoformat()) == DateRange.day(d)
    assert parse_date(d.strftime("%d/%m/%Y")) == DateRange.day(d)


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2022, 10, 1), 24, date(2024, 10, 1)),  # the framework's review cycle
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # the month's last day, not an error
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),
        (date(9999, 12, 31), 24, date.max),  # "31/12/9999" plus a cycle must not raise
        (date(1, 1, 1), -1, date.min),
    ],
)
def test_add_months(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


def test_a_month_range_moves_as_a_whole() -> None:
    october = parse_date("October 2022")
    assert october is not None
    assert october.add_months(24) == span(date(2024, 10, 1), date(2024, 10, 31))


def test_format_date_is_house_style() -> None:
    assert format_date(date(2024, 10, 1)) == "1 October 2024"
