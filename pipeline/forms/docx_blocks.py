"""Word paragraphs and tables as plain data: runs with bold, italic and links, list levels.

This works on the document's XML rather than python-docx's paragraph objects because
officers' files put words where python-docx's iterators do not look: inside content
controls (``w:sdt``), tracked insertions, smart tags and ``HYPERLINK`` fields. Anything a
reader of the printed page would see is read; deleted text and field codes are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx.oxml.ns import qn

from pipeline.forms.common import merge_runs, para_number_end, typed_block
from pipeline.forms.docx_package import Element
from pipeline.forms.docx_styles import (
    W_B,
    W_I,
    W_P_PR,
    W_R_PR,
    W_VAL,
    DocContext,
    Style,
    num_pr,
    on_off,
    outline_level,
)
from pipeline.records import Block, ListItem, Run, Table

# Clark names of the elements and attributes read per paragraph, made once (qn() per
# lookup was a tenth of reading a form: benchmarks/profile.py).
_W_BR = qn("w:br")
_W_CR = qn("w:cr")
_W_CUSTOM_XML = qn("w:customXml")
_W_FLD_CHAR = qn("w:fldChar")
_W_FLD_CHAR_TYPE = qn("w:fldCharType")
_W_FLD_SIMPLE = qn("w:fldSimple")
_W_HYPERLINK = qn("w:hyperlink")
_W_ID = qn("w:id")
_W_INSTR = qn("w:instr")
_W_INSTR_TEXT = qn("w:instrText")
_W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_W_PTAB = qn("w:ptab")
_W_P_STYLE = qn("w:pStyle")
_W_R_STYLE = qn("w:rStyle")
_W_SHOWING_PLC_HDR = qn("w:showingPlcHdr")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_TAG = qn("w:tag")
_W_TYPE = qn("w:type")


W_P, W_TBL, W_TR, W_TC, W_R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
W_SDT, W_SDT_CONTENT, W_SDT_PR = qn("w:sdt"), qn("w:sdtContent"), qn("w:sdtPr")
W_TXBX = qn("w:txbxContent")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# The markers of footnotes and endnotes in the text, by the kind of note they point at.
NOTE_REFS = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote"}
_TRANSPARENT = frozenset(qn(t) for t in ("w:ins", "w:smartTag", "w:customXml", "w:moveTo", "w:dir", "w:bdo"))  # fmt: skip
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle)\b", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^list\s+(bullet|number)(?:\s+(\d))?$", re.IGNORECASE)
_HYPERLINK_FIELD = re.compile(r"^\s*HYPERLINK\b(.*)$", re.IGNORECASE | re.DOTALL)
_FIELD_TOKEN = re.compile(r'\\[A-Za-z]|"[^"]*"|\S+')
GUIDANCE_STYLES = frozenset({"guidance"})  # the style pipeline.forms.blank.word gives its help text


@dataclass(frozen=True)
class ListInfo:
    level: int
    ordered: bool


@dataclass(frozen=True)
class WordPara:
    """One paragraph as the reader needs it."""

    runs: tuple[Run, ...]
    style: str
    heading: bool  # a Heading/Title style or an outline level
    numbered: ListInfo | None  # a list item by Word numbering or a list style
    legal_number: bool  # Word numbers it "4.1", "4.1.2": officer paragraph numbering

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def guidance(self) -> bool:
        """Help text the blank forms print in a "Guidance" style: never the officer's words."""
        return self.style.strip().lower() in GUIDANCE_STYLES

    @property
    def bold_only(self) -> bool:
        """Every visible run bold: how officers make a heading without styles."""
        visible = [r for r in self.runs if r.text.strip()]
        return bool(visible) and all(r.bold for r in visible)


def _field_target(instr: str) -> str | None:
    """The address of a ``HYPERLINK "url" \\l "anchor"`` field; ``None`` for other fields."""
    m = _HYPERLINK_FIELD.match(instr)
    if not m:
        return None
    tokens = _FIELD_TOKEN.findall(m[1])
    url, anchor, i = "", "", 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("\\"):
            if token.lower() == "\\l" and i + 1 < len(tokens):
                anchor = tokens[i + 1].strip('"')
            i += 2 if token.lower() in {"\\l", "\\o", "\\t"} else 1
            continue
        url = url or token.strip('"')
        i += 1
    if anchor:
        return f"{url}#{anchor}"
    return url or None


class _RunWalker:
    """Collects the visible runs of a paragraph, following fields, links and controls."""

    def __init__(self, ctx: DocContext, para_style: str | None) -> None:
        self.ctx = ctx
        self.para_bold = ctx.inherited(para_style, "bold")
        self.para_italic = ctx.inherited(para_style, "italic")
        self.runs: list[Run] = []
        self.fields: list[list[str]] = []  # [instruction, "instr"|"result"] per open field

    def walk(self, el: Element, href: str | None) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                self._run(child, href)
            elif tag == _W_HYPERLINK:
                self.walk(child, self.ctx.link(child) or href)
            elif tag == _W_FLD_SIMPLE:
                self.walk(child, _field_target(str(child.get(_W_INSTR, ""))) or href)
            elif tag == W_SDT:
                content = child.find(W_SDT_CONTENT)
                if content is not None and not showing_placeholder(child):
                    self.walk(content, href)
            elif tag in _TRANSPARENT:
                self.walk(child, href)

    def _href(self, href: str | None) -> str | None:
        for instr, phase in reversed(self.fields):
            target = _field_target(instr) if phase == "result" else None
            if target:
                return target
        return href

    def _run(self, r: Element, href: str | None) -> None:
        rpr = r.find(W_R_PR)
        bold = italic = None
        char_style = None
        if rpr is not None:
            bold, italic = on_off(rpr.find(W_B)), on_off(rpr.find(W_I))
            rs = rpr.find(_W_R_STYLE)
            char_style = str(rs.get(W_VAL)) if rs is not None else None
        if bold is None:
            bold = self.ctx.inherited(char_style, "bold") if char_style else None
        if italic is None:
            italic = self.ctx.inherited(char_style, "italic") if char_style else None
        bold = bool(self.para_bold if bold is None else bold)
        italic = bool(self.para_italic if italic is None else italic)
        for child in r:
            tag = child.tag
            if tag == _W_FLD_CHAR:
                kind = child.get(_W_FLD_CHAR_TYPE)
                if kind == "begin":
                    self.fields.append(["", "instr"])
                elif kind == "separate" and self.fields:
                    self.fields[-1][1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if tag == _W_INSTR_TEXT:
                if self.fields:
                    self.fields[-1][0] += child.text or ""
                continue
            if not all(phase == "result" for _, phase in self.fields):
                continue
            if tag in NOTE_REFS:
                place = self.ctx.note_place(NOTE_REFS[tag], str(child.get(_W_ID, "")))
                self.runs.append(Run("", bold, italic, None, note=place))
                continue
            text = _inner_text(child)
            if text:
                self.runs.append(Run(text, bold, italic, self._href(href)))


def _inner_text(child: Element) -> str:
    tag = child.tag
    if tag == _W_T:
        return str(child.text or "")
    if tag in (_W_TAB, _W_PTAB):
        return "\t"
    if tag == _W_BR:
        return "\n" if child.get(_W_TYPE, "textWrapping") == "textWrapping" else ""
    if tag == _W_CR:
        return "\n"
    if tag == _W_NO_BREAK_HYPHEN:
        return "-"
    return ""


def inline_text(el: Element, ctx: DocContext) -> str:
    """The visible text of runs inside an inline content control."""
    walker = _RunWalker(ctx, None)
    walker.walk(el, None)
    return "".join(r.text for r in walker.runs)


def read_paragraph(p: Element, ctx: DocContext) -> WordPara:
    """A paragraph's visible runs, style and list numbering."""
    ppr = p.find(W_P_PR)
    style_el = ppr.find(_W_P_STYLE) if ppr is not None else None
    style_id = str(style_el.get(W_VAL)) if style_el is not None else None
    walker = _RunWalker(ctx, style_id)
    walker.walk(p, None)
    chain = list(ctx.chain(style_id))
    name = chain[0].name if chain else (style_id or "")
    outline = outline_level(ppr)
    if outline is None:
        outline = next((s.outline for s in chain if s.outline is not None), None)
    heading = bool(_HEADING_STYLE.match(name)) or (outline is not None and outline < 9)
    numbered, legal = _list_info(ppr, chain, name, ctx)
    return WordPara(merge_runs(walker.runs), name, heading, numbered, legal)


def _list_info(
    ppr: Element | None, chain: list[Style], name: str, ctx: DocContext
) -> tuple[ListInfo | None, bool]:
    num = num_pr(ppr)
    named = _LIST_STYLE.match(name)
    if num is None and named:  # "List Bullet 2": the style says the level, not its numbering
        return ListInfo(int(named[2] or 1) - 1, named[1].lower() == "number"), False
    style_num = next((s.num for s in chain if s.num is not None), None)
    if num is None:
        num = style_num
    elif num[1] is None and style_num is not None:
        num = (num[0], style_num[1])
    if num is not None and num[0] != "0":
        level = num[1] or 0
        fmt = ctx.level_format(num[0], level)
        if fmt is not None:
            if fmt[0] == "none":
                return None, False
            if fmt[1].count("%") >= 2:
                return None, True
            return ListInfo(level, fmt[0] != "bullet"), False
    if named:
        return ListInfo(int(named[2] or 1) - 1, named[1].lower() == "number"), False
    return None, False


def iter_blocks(parent: Element, tag: str | None = None) -> Iterator[tuple[Element, str | None]]:
    """Body-level paragraphs and tables in order, through content controls.

    Yields (element, tag of the nearest enclosing content control or ``None``).
    """
    for child in parent:
        if child.tag in (W_P, W_TBL):
            yield child, tag
        elif child.tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None and not showing_placeholder(child):
                yield from iter_blocks(content, sdt_tag(child) or tag)
        elif child.tag == _W_CUSTOM_XML:
            yield from iter_blocks(child, tag)


def in_fallback(el: Element, within: Element | None = None) -> bool:
    """Whether ``el`` (below ``within``) is in Word's copy of a drawing or text box for old
    readers (``mc:Fallback``): the same content as its ``mc:Choice``, so read one, not both."""
    for ancestor in el.iterancestors():
        if ancestor is within:
            return False
        if ancestor.tag == MC_FALLBACK:
            return True
    return False


def text_boxes(p: Element) -> list[Element]:
    """The contents (``w:txbxContent``) of the text boxes anchored in paragraph ``p``, each
    once: from the drawing (``wps:txbx``) or an old VML ``v:textbox``, never its fallback
    copy, and not the boxes inside another box (they belong to that box's paragraphs)."""
    return [
        box
        for box in p.iter(W_TXBX)
        if not in_fallback(box, p) and next(box.iterancestors(W_P), None) is p
    ]


def sdt_tag(sdt: Element) -> str | None:
    pr = sdt.find(W_SDT_PR)
    el = pr.find(_W_TAG) if pr is not None else None
    return str(el.get(W_VAL)) if el is not None and el.get(W_VAL) else None


def showing_placeholder(sdt: Element) -> bool:
    pr = sdt.find(W_SDT_PR)
    return pr is not None and pr.find(_W_SHOWING_PLC_HDR) is not None


def table_rows(tbl: Element) -> list[list[Element]]:
    """The table's rows as lists of ``w:tc`` cells, through row and cell content controls."""
    rows: list[list[Element]] = []
    for tr, _ in _children(tbl, W_TR):
        rows.append([tc for tc, _ in _children(tr, W_TC)])
    return rows


def _children(parent: Element, wanted: str) -> Iterator[tuple[Element, str | None]]:
    for child in parent:
        if child.tag == wanted:
            yield child, None
        elif child.tag == W_SDT:
            content = child.find(W_SDT_CONTENT)
            if content is not None:
                yield from _children(content, wanted)
        elif child.tag == _W_CUSTOM_XML:
            yield from _children(child, wanted)


def element_lines(el: Element, ctx: DocContext) -> list[str]:
    """The non-empty paragraph texts inside a cell or content control, nested tables too.

    Guidance paragraphs and content controls still showing their placeholder are the
    form's words, not the officer's, so they are left out.
    """
    out: list[str] = []
    for p in el.iter(W_P):
        if any(
            a.tag == MC_FALLBACK or (a.tag == W_SDT and showing_placeholder(a))
            for a in p.iterancestors()
        ):
            continue  # a placeholder, or a text box's copy for old readers (read once, above)
        para = read_paragraph(p, ctx)
        if para.text.strip() and not para.guidance:
            out.append(para.text)
    return out


def section_block(para: WordPara) -> Block:
    """A section paragraph as a block; see :func:`typed_block` for typed numbers and markers."""
    runs = para.runs
    if para_number_end(para.text) or para.numbered is None:
        return typed_block(runs)
    return ListItem(runs, level=para.numbered.level, ordered=para.numbered.ordered)


def has_text(block: Block) -> bool:
    """Whether a block has any words (a table: in any cell)."""
    if isinstance(block, Table):
        return any(c.strip() for row in block.rows for c in row)
    return bool(block.text.strip())
