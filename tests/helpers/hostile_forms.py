"""Real Word and Excel forms filled with hostile values, and what the tests expect back.

The values come from :mod:`tests.helpers.hostile`; this module writes them into the blank
forms officers fill (from :func:`pipeline.forms.blank.write.write_blank_forms`), through
Word's content controls and Excel's named cells, the way Word and Excel store them, and
says what each box must read back as.

Word cannot hold the characters XML forbids (NUL and most C0 controls): a Word file
carrying them is not a Word file, so the Word writer leaves them out, as Word does. Excel
stores them escaped as ``_xHHHH_`` (ECMA-376 ST_Xstring) and so does the Excel writer here.
"""

from __future__ import annotations

import io
import re
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import load_workbook

from pipeline.forms.blank.excel import SHEET
from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.common import typed_block
from pipeline.records import Run, block_text
from tests.helpers.hostile import FRAMEWORK, REPLACEMENT, XML_ILLEGAL, Case, Slot

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
