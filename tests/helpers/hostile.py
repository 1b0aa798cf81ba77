"""Hostile values, and real Word and Excel forms filled with them, for the property tests.

Officers' forms are untrusted input: whatever is typed into a box must either be refused
with a message naming the box, or come out in the documents and the register exactly as
typed. This module generates the values (path parts, control characters, huge values,
right-to-left and combining text, emoji, markup, template syntax, spreadsheet formulas,
date look-alikes) and writes them into the blank forms officers fill (from
:func:`pipeline.forms.blank.write.write_blank_forms`), through Word's content controls and
Excel's named cells, the way Word and Excel store them.

Word cannot hold the characters XML forbids (NUL and most C0 controls): a Word file
carrying them is not a Word file, so the Word writer leaves them out, as Word does. Excel
stores them escaped as ``_xHHHH_`` (ECMA-376 ST_Xstring) and so does the Excel writer here.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipeline.dates import format_date
from pipeline.forms.blank.excel import SHEET
from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.common import typed_block
from pipeline.framework import FormType
from pipeline.framework_load import default_framework
from pipeline.records import Run, block_text

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


# -- writing the forms -------------------------------------------------------------------


@cache
def _blank(key: str, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        for path in write_blank_forms(FRAMEWORK, Path(tmp)):
            if path.name == f"{key}.{fmt}":
                return path.read_bytes()
    raise KeyError(key)


def in_word(text: str) -> str:
    """What a Word file can carry of ``text``: XML has no way to write the rest."""
    return XML_ILLEGAL.sub("", text)


def excel_escape(text: str) -> str:
    """``text`` as Excel stores it in the file (ST_Xstring): ``_x`` escaped, controls as _xHHHH_."""
    text = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", text)
    return XML_ILLEGAL.sub(lambda m: f"_x{ord(m[0]):04X}_" if ord(m[0]) < 0x10000 else "", text)


EXCEL_CELL_LIMIT = 32_767  # characters a cell holds, counted as stored (escapes included)


def in_excel(text: str) -> str:
    """What an Excel cell can carry of ``text``: Excel stops at its cell limit."""
    while len(excel_escape(text)) > EXCEL_CELL_LIMIT:
        text = text[: len(text) - (len(excel_escape(text)) - EXCEL_CELL_LIMIT + 6) // 7 - 1]
    return text


def excel_unescape(text: str) -> str:
    """What Excel shows for a string stored in the file (the inverse of :func:`excel_escape`)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), text)


def write_form(case: Case, path: Path, today: date) -> Path:
    answers = case.filled(today)
    if case.fmt == "docx":
        _write_docx(case.form, answers, path)
    else:
        _write_xlsx(case.form, answers, path)
    return path


def _word_runs(parent: object, text: str) -> None:
    """Runs for ``text`` in ``parent`` (a w:p or w:sdtContent): tabs and breaks as Word's."""
    run = OxmlElement("w:r")
    for piece in re.split(r"(\t|\r\n|\r|\n)", in_word(text)):
        if piece == "\t":
            run.append(OxmlElement("w:tab"))
        elif piece in ("\r\n", "\r", "\n"):
            run.append(OxmlElement("w:br"))
        elif piece:
            t = OxmlElement("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = piece
            run.append(t)
    parent.append(run)  # type: ignore[attr-defined]


def _fill_control(sdt: object, text: str, block: bool) -> None:
    pr = sdt.find(qn("w:sdtPr"))  # type: ignore[attr-defined]
    placeholder = pr.find(qn("w:showingPlcHdr"))
    if placeholder is not None:
        pr.remove(placeholder)
    content = sdt.find(qn("w:sdtContent"))  # type: ignore[attr-defined]
    for child in list(content):
        content.remove(child)
    if not block:
        _word_runs(content, text)
        return
    for line in re.split(r"\r\n|\r|\n", text):
        p = OxmlElement("w:p")
        _word_runs(p, line)
        content.append(p)


def _write_docx(key: str, answers: dict[Slot, str], path: Path) -> None:
    doc = Document(io.BytesIO(_blank(key, "docx")))
    controls = {}
    for sdt in doc.element.body.iter(qn("w:sdt")):
        tag = sdt.find(qn("w:sdtPr")).find(qn("w:tag"))
        controls[tag.get(qn("w:val"))] = sdt
    form = FRAMEWORK.form(key)
    table = doc.tables[-1] if form.columns else None
    columns = [c.key for c in form.columns]
    for slot, text in answers.items():
        if slot.kind == "field":
            _fill_control(controls[slot.key], text, block=_is_block(controls[slot.key]))
        elif slot.kind == "section":
            _fill_control(controls["section:" + slot.key], text, block=True)
        else:
            assert table is not None
            cell = table.rows[1 + slot.row].cells[columns.index(slot.key)]
            cell.text = in_word(text).replace("\r\n", "\n").replace("\r", "\n")
    doc.save(str(path))


def _is_block(sdt: object) -> bool:
    """Whether a control holds paragraphs (a block control) rather than runs."""
    content = sdt.find(qn("w:sdtContent"))  # type: ignore[attr-defined]
    return content is not None and content.find(qn("w:p")) is not None


def _write_xlsx(key: str, answers: dict[Slot, str], path: Path) -> None:
    wb = load_workbook(io.BytesIO(_blank(key, "xlsx")))
    ws = wb[SHEET]
    form = FRAMEWORK.form(key)
    column_a = {str(c.value): c.row for c in ws["A"] if c.value is not None}
    header = column_a[form.columns[0].label] if form.columns else 0
    columns = [c.key for c in form.columns]
    for slot, text in answers.items():
        if slot.kind == "field":
            sheet, ref = next(iter(wb.defined_names[slot.key].destinations))
            cell = wb[sheet][ref.replace("$", "")]
        elif slot.kind == "section":
            cell = ws.cell(column_a[slot.label], 2)
        else:
            cell = ws.cell(header + 1 + slot.row, columns.index(slot.key) + 1)
        cell.value = excel_escape(in_excel(text))
        cell.data_type = "s"  # typed text: Excel keeps "=1+1" typed after a quote as text
        cell.quotePrefix = True
    wb.save(path)


# -- reading the results -----------------------------------------------------------------


def normalised(text: str) -> str:
    """Whitespace and line breaks collapsed: Word and PDF lay text out in their own way."""
    return " ".join(text.split())


def expected_text(case: Case, slot: Slot, value: str) -> str:
    """What an accepted form must show for ``value``: literal, bar what XML cannot hold."""
    if case.fmt == "docx":
        written = in_word(value)
    else:
        written = XML_ILLEGAL.sub(REPLACEMENT, in_excel(value))
    return written.strip()


def expected_pieces(slot: Slot, written: str) -> list[str]:
    """The normalised pieces of ``written`` a document must show, in the form's own layout.

    A field is one piece. Section and table text is one paragraph per line, each read by
    the documented rule (an officer's "5.1 " number or "- " bullet becomes the document's
    own numbering or bullet, :func:`pipeline.forms.common.typed_block`). A box the
    framework never publishes (``published = false``) has none.
    """
    if not slot.published:
        return []
    if not slot.free_text:
        return []
    if slot.kind == "field":
        return [normalised(written)] if written.strip() else []
    lines = re.split(r"\r\n|\r|\n", written)
    pieces = [normalised(block_text(typed_block((Run(line),)))) for line in lines]
    return [p for p in pieces if p]


def docx_text(path: Path) -> str:
    """The document's words in order, paragraphs and breaks as spaces."""
    doc = Document(str(path))
    words: list[str] = []
    for el in doc.element.body.iter():
        if el.tag == qn("w:t"):
            words.append(el.text or "")
        elif el.tag in (qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:p")):
            words.append(" ")
    return "".join(words)


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
