"""Blank Word forms: what officers fill in, laid out so the reader can find every answer.

Each answer goes in a content control (``w:sdt``) tagged with the framework's key, whose
placeholder text is the field's help. Officers see grey guidance and type over it; the
reader finds answers by tag and treats anything still marked ``w:showingPlcHdr`` as empty,
so guidance is never mistaken for content. The form type travels inside the file as the
custom document property ``PipelineForm``, so a renamed file is still recognised.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipeline import atomic
from pipeline.forms.markers import write_marker_docx
from pipeline.framework import Field, FormType, Framework

SECTION_TAG_PREFIX = "section:"
GUIDANCE_STYLE = "Guidance"
PLACEHOLDER_STYLE = "Placeholder Text"
CONSULTATION_EMPTY_ROWS = 5

Docx = Any  # python-docx ships no type information


def write_docx(framework: Framework, form: FormType, path: Path) -> Path:
    """Write the blank Word form for ``form`` to ``path``."""
    doc = new_document(landscape=bool(form.areas))
    write_marker_docx(doc, form.key)
    doc.core_properties.title = f"{form.label} form"
    doc.core_properties.subject = f"{framework.council}: {framework.name}"
    doc.add_heading(f"{form.label} form", level=0)
    guidance(doc.add_paragraph(), _intro(framework, form))
    ids = itertools.count(1001)
    long_fields = [f for f in form.fields if f.type == "longtext"]
    if form.key == "policy_request":
        details_table(doc, [f for f in form.fields if f not in long_fields], ids)
        doc.add_heading("About the policy", level=1)
        details_table(doc, long_fields, ids)
    elif form.columns and not form.areas:
        details_table(doc, [f for f in form.fields if f not in long_fields], ids)
        for f in long_fields:
            doc.add_heading(f.label, level=1)
            block_control(doc, f.key, f.label, f.help, ids)
    else:
        details_table(doc, form.fields, ids)
    for section in form.sections:
        doc.add_heading(section.title, level=1)
        block_control(doc, SECTION_TAG_PREFIX + section.key, section.title, section.help, ids)
    if form.areas:
        doc.add_heading("The plan", level=1)
        area_table(doc, form)
    elif form.columns:
        doc.add_heading("What you told us and what we did", level=1)
        rows_table(doc, form, CONSULTATION_EMPTY_ROWS)
    atomic.replace_with(path, lambda tmp: doc.save(str(tmp)))
    return path


def _intro(framework: Framework, form: FormType) -> str:
    return (
        f"{form.description} Click each grey box and type your answer over the grey "
        "guidance: it disappears as you type and is never published. Please keep the "
        "labels and headings as they are. Save the file as Word (.docx) and put it in "
        f"the policy inbox. ({framework.council}, {framework.name} {framework.version}.)"
    )


def new_document(landscape: bool = False) -> Docx:
    """An empty A4 document with the styles the forms use and British English proofing."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    styles = doc.styles
    if GUIDANCE_STYLE not in [s.name for s in styles]:
        style = styles.add_style(GUIDANCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.italic = True
        style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    if PLACEHOLDER_STYLE not in [s.name for s in styles]:
        char = styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.CHARACTER)
        char.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    rpr = styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is not None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-GB")
    return doc


def guidance(paragraph: Docx, text: str) -> Docx:
    """A guidance paragraph: the "Guidance" style tells the reader it is not content."""
    paragraph.style = GUIDANCE_STYLE
    paragraph.add_run(text)
    return paragraph


def _el(tag: str, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _sdt_pr(tag: str, alias: str, ids: itertools.count[int]) -> Any:
    pr = _el("w:sdtPr")
    pr.append(_el("w:alias", val=alias[:60]))
    pr.append(_el("w:tag", val=tag))
    pr.append(_el("w:id", val=str(next(ids))))
    pr.append(_el("w:lock", val="sdtLocked"))
    pr.append(_el("w:showingPlcHdr"))
    return pr


def placeholder_run(text: str) -> Any:
    run = _el("w:r")
    rpr = _el("w:rPr")
    rpr.append(_el("w:rStyle", val="PlaceholderText"))
    # Direct grey too: LibreOffice ignores the character style inside content controls.
    rpr.append(_el("w:color", val="808080"))
    run.append(rpr)
    t = _el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    return run


def help_for(f: Field) -> str:
    """The guidance officers see for a field, saying first whether it must be filled."""
    return ("Required. " if f.required else "Optional. ") + (f.help or f.label)


def inline_control(paragraph: Docx, f: Field, ids: itertools.count[int]) -> Any:
    """A plain-text control in ``paragraph``; choice and yes/no fields get a combo box."""
    sdt = _el("w:sdt")
    pr = _sdt_pr(f.key, f.label, ids)
    choices = ("Yes", "No") if f.type == "yes_no" else f.choices
    if choices:
        combo = _el("w:comboBox")
        for choice in choices:
            combo.append(_el("w:listItem", displayText=choice, value=choice))
        pr.append(combo)
    else:
        pr.append(_el("w:text", multiLine="1" if f.type == "longtext" else "0"))
    sdt.append(pr)
    content = _el("w:sdtContent")
    content.append(placeholder_run(help_for(f)))
    sdt.append(content)
    paragraph._p.append(sdt)
    return sdt


def block_control(
    doc: Docx, tag: str, alias: str, help_text: str, ids: itertools.count[int]
) -> Any:
    """A rich-text control spanning paragraphs: room for sub-headings, lists and tables."""
    sdt = _el("w:sdt")
    sdt.append(_sdt_pr(tag, alias, ids))
    content = _el("w:sdtContent")
    p = _el("w:p")
    run = placeholder_run(help_text or alias)
    run.find(qn("w:rPr")).insert(1, _el("w:i"))
    p.append(run)
    content.append(p)
    sdt.append(content)
    doc.element.body.insert_element_before(sdt, "w:sectPr")
    return sdt


def shade(cell: Docx, fill: str = "E7E6E6") -> None:
    cell._tc.get_or_add_tcPr().append(_el("w:shd", val="clear", color="auto", fill=fill))


def set_widths(table: Docx, widths: list[float]) -> None:
    """Fixed column widths, in the grid as well as the cells: LibreOffice reads the grid."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=False):
        col.w = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def repeat_header(row: Docx) -> None:
    """Mark the row as a header row: repeated on each page and announced by screen readers."""
    row._tr.get_or_add_trPr().append(_el("w:tblHeader"))


def details_table(
    doc: Docx, fields: list[Field] | tuple[Field, ...], ids: itertools.count[int]
) -> Docx:
    """The label | answer table, labels exactly as the framework names them."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for f in fields:
        label, value = table.add_row().cells
        label.paragraphs[0].add_run(f.label).bold = True
        shade(label)
        inline_control(value.paragraphs[0], f, ids)
    set_widths(table, [6.0, 11.0])
    return table


def area_table(doc: Docx, form: FormType) -> Docx:
    """Appendix 4: one row per area, its prompts and guidance in the first cell."""
    labels = [c.label for c in form.columns]
    table = doc.add_table(rows=1, cols=len(labels))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["", *labels[1:]], strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell)
    repeat_header(table.rows[0])
    for number, area in enumerate(form.areas, start=1):
        first = table.add_row().cells[0]
        first.paragraphs[0].add_run(f"{number}. {area.title}").bold = True
        for prompt in area.prompts:
            first.add_paragraph(prompt, style="List Bullet")
        if area.guidance:
            guidance(first.add_paragraph(), area.guidance)
    set_widths(table, [9.5, 10.2, 3.5, 2.5])
    return table


def rows_table(doc: Docx, form: FormType, empty_rows: int) -> Docx:
    """A repeating table (header from the framework's columns) with empty rows to fill."""
    labels = [c.label for c in form.columns]
    table = doc.add_table(rows=1 + empty_rows, cols=len(labels))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, labels, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell)
    repeat_header(table.rows[0])
    set_widths(table, [17.0 / len(labels)] * len(labels))
    guidance(
        doc.add_paragraph(),
        "One row for each thing people told us. Add rows if you need more "
        "(Tab in the last cell); leave spare rows empty.",
    )
    return table
