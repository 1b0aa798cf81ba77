"""Hostile values for the property tests, and how many cases each test tries.

Officers' forms are untrusted input: whatever is typed into a box must either be refused
with a message naming the box, or come out in the documents and the register exactly as
typed. This module generates the values (path parts, control characters, huge values,
right-to-left and combining text, emoji, markup, template syntax, spreadsheet formulas,
date look-alikes) and the cases that put them in a form's boxes;
:mod:`tests.helpers.hostile_forms` writes them into real Word and Excel forms. The tally of
cases tried is kept here (``TALLY``), where tests/conftest.py looks for it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from pipeline.dates import format_date
from pipeline.framework import FormType
from pipeline.framework_load import default_framework

FRAMEWORK = default_framework()
FORM_KEYS = tuple(FRAMEWORK.forms)
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"  # what the reader puts where XML cannot hold a character
FREE_TEXT = frozenset({"text", "name", "longtext"})

SAMPLES: tuple[str, ...] = (
    # path parts
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\System32\\",
    "..\\..\\boot.ini",
    "\\\\server\\share\\x",
    "./.././",
    # control characters and NUL
    "\x00",
    "a\x00b",
    "\x01\x02\x07\x08\x0b\x0c\x1b\x1f",
    "line\x0bbreak",
    "\ufffe\uffff",
    "tab\tinside",
    # markup
    "<w:p>",
    "</w:t></w:r></w:p><w:p><w:r><w:t>",
    "<script>alert(1)</script>",
    "&amp;",
    "&lt;b&gt;",
    "<![CDATA[x]]>",
    "\"quoted\" and 'single'",
    # template syntax (Jinja and docxtpl's own escapes)
    "{{ 7*7 }}",
    "{% for x in y %}",
    "{%- endfor %}",
    "{#",
    "{# comment #}",
    "{_{ x }_}",
    "{%p if 1 %}",
    "}}{{",
    "{{ ''.__class__ }}",
    # spreadsheet formulas
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com","x")',
    "'=1+1",
    # values that look like dates or numbers
    "01/02/2024",
    "2024-02-30",
    "31/12/9999",
    "Quarter 3 2015/16",
    "1e10",
    "00123",
    "TRUE",
    # right-to-left, combining, emoji
    "سياسة الرعاية",
    "מדיניות",
    "\u202egnp.exe\u202c",
    "e\u0301\u0302\u0303",
    "Z\u0351\u0352\u0353\u0354",
    "👩\u200d👩\u200d👧 🎉",
    "🏳️\u200d🌈",
    # Excel's own escape, typed literally
    "_x0041_",
    "_x005F_x0041_",
)

# Characters without surrogates (Python strings with lone surrogates cannot be saved).
_CHARS = st.characters(exclude_categories=("Cs",))
_SHORT = st.text(_CHARS, max_size=40)


def _long(seed: str) -> str:
    return (seed or "x") * (10_000 // max(len(seed), 1) + 1)


hostile_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(SAMPLES),
    st.tuples(st.sampled_from(SAMPLES), _SHORT, st.sampled_from(SAMPLES)).map("".join),
    _SHORT,
    st.sampled_from(SAMPLES).map(lambda s: _long(s)[:10_000]),
)


@dataclass(frozen=True)
class Slot:
    """One box on a form: a field, a section, or a cell of the form's table."""

    kind: str  # "field", "section" or "cell"
    key: str  # field or section key, or the column key of a cell
    label: str  # what a problem calls it
    type: str = "longtext"  # the field's type; sections and cells are free text
    row: int = 0  # the table row (cells only)
    published: bool = True  # False for a box about the form, never shown (Contact email)

    @property
    def free_text(self) -> bool:
        return self.type in FREE_TEXT


def slots(form: FormType) -> list[Slot]:
    out = [Slot("field", f.key, f.label, f.type, published=f.published) for f in form.fields]
    out += [Slot("section", s.key, s.title) for s in form.sections]
    rows = len(form.areas) or 2
    filled = [c for c in form.columns if not (form.areas and c is form.columns[0])]
    out += [Slot("cell", c.key, c.label, row=r) for r in range(rows) for c in filled]
    return out


def baseline(form: FormType, slot: Slot, today: date, serial: int = 0) -> str:
    """A valid answer for ``slot``, so only the hostile values decide the outcome."""
    if slot.kind != "field":
        return "Not applicable: nothing to do" if slot.key == "action" else f"Text for {slot.key}"
    key, kind = slot.key, slot.type
    dated = {
        "next_review": today + timedelta(days=365),
        "consultation_end": today - timedelta(days=10),
        "consultation_start": today - timedelta(days=40),
    }
    if kind == "date":
        return format_date(dated.get(key, today - timedelta(days=30)))
    fixed = {
        "version": "1",
        "change_type": "New policy",
        "sign_off_level": "Head of Service",
        "impact_assessment": "Completed",
        "yes_no": "No",
        "number": "12",
        "name": "Ann Smith, Policy Officer",
    }
    if key == "policy_ref":
        return ""
    if key == form.title_field:
        return f"Answer for {key} {serial}"
    return fixed.get(key, fixed.get(kind, f"Answer for {key}"))


@dataclass(frozen=True)
class Case:
    form: str  # form key
    fmt: str  # "docx" or "xlsx"
    values: tuple[tuple[Slot, str], ...]  # the hostile ones
    serial: int = 0  # makes the baseline title distinct within a batch

    def filled(self, today: date) -> dict[Slot, str]:
        form = FRAMEWORK.form(self.form)
        answers = {s: baseline(form, s, today, self.serial) for s in slots(form)}
        answers.update(self.values)
        return answers


# The named samples alone (and their long forms) but the emoji and combining marks: every character of them has
# a glyph in the fonts scripts/install-system.sh installs (no emoji font: LibreOffice draws
# nothing for an emoji, so a PDF's text has none), so a PDF can show them. Arbitrary Unicode
# and emoji are checked in the DOCX.
# Stacked combining marks are left out too: LibreOffice draws them, but the PDF's text for
# them carries extra characters (pypdf gives "Z&’(" for "Z" with four marks).
DRAWABLE = tuple(
    s for s in SAMPLES if not any(ord(c) > 0x1F000 or unicodedata.combining(c) for c in s)
)
drawable_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(DRAWABLE),
    st.tuples(st.sampled_from(DRAWABLE), st.sampled_from(DRAWABLE)).map("".join),
    st.sampled_from(DRAWABLE).map(lambda s: _long(s)[:10_000]),
)


def cases(
    exclude: frozenset[str] = frozenset({"policy_ref"}),
    values: st.SearchStrategy[str] = hostile_text,
) -> st.SearchStrategy[Case]:
    """A form type, a format, and hostile values in one to four of its boxes."""

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        key = draw(st.sampled_from(FORM_KEYS))
        fmt = draw(st.sampled_from(("docx", "xlsx")))
        choices = [s for s in slots(FRAMEWORK.form(key)) if s.key not in exclude]
        chosen = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=4, unique=True))
        return Case(key, fmt, tuple((s, draw(values)) for s in chosen))

    return build()


# -- how many cases, and counting them ---------------------------------------------------

# make test runs each hostile test's own number of cases; make fuzz (HYPOTHESIS_PROFILE=fuzz)
# fifty times as many. Under CI=true the cases are derandomised and no example database is
# kept, so a failure in CI is the same failure on a developer's machine.
SCALES = {"default": 1, "ci": 1, "fuzz": 50}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() == "true" else "default"
)
TALLY = {"tried": 0, "failed": 0, "known": 0}  # known: failed in a test marked xfail


def hostile_settings(examples: int, *, shrink: bool = True) -> settings:
    """The settings for a hostile test that runs ``examples`` cases under ``make test``.

    ``shrink=False`` for a test that takes seconds per example (LibreOffice): hypothesis
    would spend many minutes shrinking its failure; the failing batch is printed instead.
    """
    scale = int(os.environ.get("HOSTILE_SCALE") or SCALES.get(PROFILE, 1))  # a shorter fuzz
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)
    return settings(
        phases=phases,
        max_examples=examples * scale,
        deadline=None,
        derandomize=PROFILE == "ci",
        database=None if PROFILE == "ci" else settings().database,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.function_scoped_fixture,
        ],
    )


@contextmanager
def count_case(cases: int = 1, *, known: bool = False) -> Iterator[None]:
    """Count ``cases`` tried, and failed if the body raises (shrinking counts too).

    ``known`` for a test marked xfail: its failures are counted apart, as known failures.
    """
    TALLY["tried"] += cases
    try:
        yield
    except BaseException:
        TALLY["known" if known else "failed"] += cases
        raise
