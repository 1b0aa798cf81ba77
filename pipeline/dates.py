"""Dates as officers write them, read into comparable ranges.

Officers write "01/10/2024", "1 October 2024", "October 2024", "2024-10-01", "Quarter 3
2015/16" or "Q3 2015/16"; Excel gives a date cell. The words are kept for display; the
rules compare :class:`DateRange` values (a month or a quarter is a range, not a day).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9


@dataclass(frozen=True)
class DateRange:
    """The first and last day a written date could mean."""

    start: date
    end: date

    @classmethod
    def day(cls, d: date) -> DateRange:
        return cls(d, d)

    def add_months(self, months: int) -> DateRange:
        return DateRange(add_months(self.start, months), add_months(self.end, months))


def add_months(d: date, months: int) -> date:
    """``d`` moved by ``months``; the last (or first) representable day past year 9999 (or 1).

    A form may say "31/12/9999": a review cycle added to it must not raise.
    """
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_range(year: int, month: int) -> DateRange:
    return DateRange(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def quarter_range(quarter: int, first_year: int) -> DateRange:
    """UK financial quarter: Q1 is April-June of ``first_year``, Q4 is January-March after it."""
    start_month = 4 + (quarter - 1) * 3
    year = first_year
    if start_month > 12:
        start_month -= 12
        year += 1
    end = _month_range(year, start_month + 2).end
    return DateRange(date(year, start_month, 1), end)


def financial_quarter(d: date) -> tuple[int, int]:
    """(quarter, first year of the financial year) for a day."""
    first_year = d.year if d.month >= 4 else d.year - 1
    quarter = ((d.month - 4) % 12) // 3 + 1
    return quarter, first_year


def quarter_label(d: date) -> str:
    q, y = financial_quarter(d)
    return f"Q{q} {y}/{(y + 1) % 100:02d}"


_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_QUARTER = re.compile(
    r"^(?:quarter|qtr|q)\s*([1-4])\s*,?\s*(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$", re.IGNORECASE
)
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_WORDS = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)


def parse_date(value: object) -> DateRange | None:
    """Read a written date; ``None`` when it is not one we understand."""
    if isinstance(value, datetime):
        return DateRange.day(value.date())
    if isinstance(value, date):
        return DateRange.day(value)
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value).strip().rstrip(".")
    text = _ORDINAL.sub(r"\1", text)
    if not text:
        return None
    try:
        if m := _QUARTER.match(text):
            quarter, year, second = int(m[1]), int(m[2]), int(m[3])
            # the years follow each other: "2015/16", "2015/2016", and "1999/00" across a century
            if second != (year + 1 if second > 99 else (year + 1) % 100):
                return None
            return quarter_range(quarter, year)
        if m := _ISO.match(text):
            return DateRange.day(date(int(m[1]), int(m[2]), int(m[3])))
        if m := _NUMERIC.match(text):
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            if year < 100:
                year += 2000
            return DateRange.day(date(year, month, day))  # UK order: day first
        if m := _WORDS.match(text):
            month_number = MONTHS.get(m[2].lower())
            if month_number is None:
                return None
            year = int(m[3])
            if m[1]:
                return DateRange.day(date(year, month_number, int(m[1])))
            return _month_range(year, month_number)
    except ValueError:  # 31/02/2024 and the like
        return None
    return None


def format_date(d: date) -> str:
    """House style for dates we write ourselves: 1 October 2024."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"
