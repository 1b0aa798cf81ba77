"""Hostile values through the whole pipeline, LibreOffice and the PDF included, in one batch.

The PDF is the slow part (LibreOffice), so this sends one batch of generated forms, Word
and Excel, of every type, through one ``pipeline run`` and reads every PDF back with
pypdf: each free-text value must be in the PDF's text as written (whitespace aside, since
LibreOffice wraps long values), each rejection must name a box that got a hostile value,
and nothing may be written outside the workspace. ``test_hostile_values.py`` covers many
more cases without the PDF.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from pipeline.run import run_batch
from pipeline.workspace import init_workspace, load_workspace
from tests.helpers.hostile import (
    FRAMEWORK,
    Case,
    cases,
    count_case,
    drawable_text,
    hostile_settings,
    slots,
)
from tests.helpers.hostile_forms import expected_pieces, expected_text, write_form
from tests.helpers.pdf_text import content_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.requires_libreoffice,
]
TODAY = date.today()
BATCH = 16


def squeezed(text: str) -> str:
    """No whitespace and no invisible format characters (bidi controls, joiners).

    LibreOffice breaks long values wherever the line ends, and lays out right-to-left
    overrides and zero-width joiners rather than drawing them, so a PDF's text has none.
    Unassigned and private-use characters have no glyph to draw. U+FFFD (what the readers put for characters XML cannot hold) is drawn from a fallback
    font in a text run of its own, which pypdf gives back out of place; the DOCX tier
    checks where it is.
    """
    return "".join(
        c
        for c in "".join(text.split())
        if unicodedata.category(c) not in ("Cc", "Cf", "Cn", "Co") and c != "\ufffd"
    )


def in_pdf(piece: str, shown: str) -> bool:
    """Whether ``piece`` is in the PDF's text, which holds right-to-left runs as drawn.

    A PDF stores glyphs in visual order, so text under a right-to-left override or in a
    right-to-left script may come back reversed; its words must still all be there.
    """
    rtl = any(unicodedata.bidirectional(c) in ("R", "AL", "RLO", "RLE", "RLI") for c in piece)
    original, piece = piece, squeezed(piece)
    if piece in shown:
        return True
    if not rtl:
        return False
    return all(run[::-1] in shown or run in shown for run in _runs(original)) or _anagram_in(
        piece, shown
    )


def _anagram_in(piece: str, shown: str) -> bool:
    """Whether ``shown`` holds ``piece``'s characters, every one, side by side in any order.

    Under a right-to-left override LibreOffice draws left-to-right letters backwards, and
    pypdf, putting the glyphs back in reading order, can misplace one ("\u202egnp.exe" came
    back "xe.pnge"): the value reached the PDF whole, in a place of its own.
    """
    size, want = len(piece), Counter(piece)
    if not size or size > len(shown):
        return False
    window = Counter(shown[:size])
    for start in range(len(shown) - size + 1):
        if start:
            window[shown[start - 1]] -= 1
            window[shown[start + size - 1]] += 1
        if window == want:
            return True
    return False


def _direction(c: str) -> str:
    """A character's bidi group: right-to-left, numbers, left-to-right, or a neutral.

    Neutrals ("=", spaces, brackets) take the direction of what surrounds them, so the
    layout may move one to the other side of a right-to-left run ("=מ" for "מ="):
    each is its own run.
    """
    kind = unicodedata.bidirectional(c)
    if kind in ("R", "AL"):
        return "R"
    if kind in ("EN", "AN", "ES", "ET", "CS"):
        return "N"
    return "L" if kind == "L" else "O"


def _runs(piece: str) -> list[str]:
    """``piece`` split where its direction changes or a bidi control starts or ends a run."""
    out: list[str] = []
    for c in piece:
        if unicodedata.category(c) == "Cf":
            out.append("")
            continue
        c = squeezed(c)
        if not c:
            continue
        kind = _direction(c)
        if out and out[-1] and kind != "O" and _direction(out[-1][-1]) == kind:
            out[-1] += c
        else:
            out.append(c)
    return [run for run in out if run]


def pdf_text(path: Path) -> str:
    return squeezed(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


# Two batches: hypothesis's first example is its simplest (distinct, but plain values);
# the second is random. make fuzz runs 100.
def _short(case: Case) -> bool:
    """Values over 1,000 characters are left to test_a_very_long_value_reaches_the_pdf."""
    return all(len(v) <= 1000 for _, v in case.values)


@hostile_settings(2, shrink=False)
@given(
    batch=st.lists(
        cases(values=drawable_text).filter(_short),
        min_size=BATCH,
        max_size=BATCH,
        unique_by=lambda c: (c.form, c.fmt, c.values),
    )
)
def test_hostile_values_reach_the_pdf_literally(batch: list[Case]) -> None:
    with count_case(len(batch)), tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = init_workspace(root / "ws")
        config = ws.root / "pipeline.toml"
        text = (
            config.read_text(encoding="utf-8")
            .replace('mode = "warm"', 'mode = "oneshot"')
            .replace("workers = 2", "workers = 1")
        )
        config.write_text(text, encoding="utf-8")
        ws = load_workspace(ws.root)
        by_name: dict[str, Case] = {}
        for n, case in enumerate(batch):
            case = dataclasses.replace(case, serial=n)
            name = f"form-{n}.{case.fmt}"
            write_form(case, ws.inbox / name, TODAY)
            by_name[name] = case
        result = run_batch(ws, today=TODAY)
        assert os.listdir(root) == ["ws"], "something was written outside the workspace"
        assert len(result.accepted) + len(result.rejected) == BATCH, result
        print(f"PDF batch: {len(result.accepted)} accepted, {len(result.rejected)} rejected")
        for rejected in result.rejected:
            names = {slot.label for slot, _ in by_name[rejected.file].values}
            for p in rejected.problems:
                named = p.field in names or any(f'"{n}"' in p.message + p.fix for n in names)
                assert named, f"{rejected.file} rejected for {p.field!r}: {p.message}"
        for accepted in result.accepted:
            case = by_name[accepted.file]
            pdfs = [p for p in accepted.outputs if p.suffix == ".pdf"]
            assert pdfs, f"{accepted.file} has no PDF"
            shown = pdf_text(pdfs[0])
            for slot, value in case.values:
                for piece in expected_pieces(slot, expected_text(case, slot, value)):
                    assert in_pdf(piece, shown), (  # the message cut short: values are long
                        f"{slot.label} of {accepted.file} in the PDF: {piece[:200]!r} vs {shown[max(0, shown.find(squeezed(piece)[-5:]) - 20) :][:60]!r}"
                    )


def test_a_very_long_value_reaches_the_pdf(tmp_path: Path) -> None:
    title = next(s for s in slots(FRAMEWORK.form("policy")) if s.key == "title")
    case = Case("policy", "docx", ((title, "../../etc/passwd" * 625),))
    ws = init_workspace(tmp_path / "ws")
    write_form(case, ws.inbox / "long.docx", TODAY)
    result = run_batch(ws, today=TODAY)
    assert [a.file for a in result.accepted] == ["long.docx"]
    pdf = next(p for p in result.accepted[0].outputs if p.suffix == ".pdf")
    # Found by the hostile values: the page header repeated the whole title, filled every
    # page and pushed the policy out of the PDF; it now shows the title cut at 90 characters.
    # What a reader is given (artifacts such as headers, footers and the stamp left out)
    # holds the value whole. The tagged DRAFT line is drawn last on page 1 (it is read
    # first through the structure tree), so it is taken out of the page-order text.
    content = content_text(pdf).replace("DRAFT", "", 1)
    assert squeezed("../../etc/passwd" * 625) in squeezed(content)
    header = PdfReader(pdf).pages[1].extract_text().splitlines()[0]
    assert header.endswith("\u2026 \u2013 Version 1") and len(header) < 120
