"""A Word document's styles, numbering and links, looked up once per document.

Whether a paragraph is a heading, a bullet or a numbered item is often not on the
paragraph at all but in its style (and the styles it is based on) or in numbering.xml;
this gathers those facts so the paragraph reader can ask simple questions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from pipeline.forms.docx_package import (
    RT_NUMBERING,
    RT_STYLES,
    Element,
    Relationship,
    WordPackage,
)

# Clark names of the elements and attributes read per paragraph, made once (qn() per
# lookup was a tenth of reading a form: benchmarks/profile.py); the public ones docx_blocks
# reads too.
_R_ID = qn("r:id")
_W_ABSTRACT_NUM = qn("w:abstractNum")
_W_ABSTRACT_NUM_ID = qn("w:abstractNumId")
_W_ANCHOR = qn("w:anchor")
W_B = qn("w:b")
_W_BASED_ON = qn("w:basedOn")
W_I = qn("w:i")
_W_ILVL = qn("w:ilvl")
_W_LVL = qn("w:lvl")
_W_LVL_OVERRIDE = qn("w:lvlOverride")
_W_LVL_TEXT = qn("w:lvlText")
_W_NAME = qn("w:name")
_W_NUM = qn("w:num")
_W_NUM_FMT = qn("w:numFmt")
_W_NUM_ID = qn("w:numId")
_W_NUM_PR = qn("w:numPr")
_W_OUTLINE_LVL = qn("w:outlineLvl")
W_P_PR = qn("w:pPr")
W_R_PR = qn("w:rPr")
_W_STYLE = qn("w:style")
_W_STYLE_ID = qn("w:styleId")
W_VAL = qn("w:val")

_OFF = frozenset({"0", "false", "off", "none"})
_MAX_STYLE_DEPTH = 12


def on_off(el: Element | None) -> bool | None:
    """An on/off property (``w:b``, ``w:i``): ``None`` when absent."""
    if el is None:
        return None
    return str(el.get(W_VAL, "true")).lower() not in _OFF


@dataclass(frozen=True)
class Style:
    name: str
    based_on: str | None
    outline: int | None
    bold: bool | None
    italic: bool | None
    num: tuple[str, int | None] | None


class StyleTable:
    """A styles part's styles by id, each read into a :class:`Style` when first asked for.

    A document defines ~170 styles and its paragraphs use a handful (reading all of them
    was 7 ms of every Word form).
    """

    def __init__(self, root: Element | None) -> None:
        self._elements: dict[str, Element] = {}
        for st in root.findall(_W_STYLE) if root is not None else ():
            sid = st.get(_W_STYLE_ID)
            if sid:
                self._elements[sid] = st
        self._styles: dict[str, Style | None] = {}

    def style(self, sid: str) -> Style | None:
        if sid not in self._styles:
            st = self._elements.get(sid)
            self._styles[sid] = None if st is None else _read_style(sid, st)
        return self._styles[sid]


_TABLES: list[tuple[bytes, StyleTable]] = []  # (styles part, its table), the latest first
_TABLES_KEPT = 8  # different styles parts kept: forms made from the same blank share one
_TABLE_BYTES = 4 * 1024 * 1024  # a bigger styles part is parsed each time, never kept


def style_table(package: WordPackage) -> StyleTable:
    """The document's style table, parsed once per distinct styles part in this process.

    Forms filled from the same blank form carry the same 350 KB styles part; parsing it was
    most of opening a form. A kept table is found by the part's bytes compared whole with
    each kept part's (lengths first, then memcmp: 0.02 ms), so a file can never be read
    with another file's styles; its SHA-256, the key before, cost 0.9 ms a form.
    """
    name = package.related(RT_STYLES)
    if name is None:
        return StyleTable(None)
    blob = package.blob(name)
    for i, (kept, table) in enumerate(_TABLES):
        if kept == blob:
            _TABLES.insert(0, _TABLES.pop(i))
            return table
    table = StyleTable(package.xml(name))
    if len(blob) <= _TABLE_BYTES:
        _TABLES.insert(0, (blob, table))
        del _TABLES[_TABLES_KEPT:]
    return table


class DocContext:
    """Styles, numbering and links of one document, looked up once."""

    def __init__(self, package: WordPackage) -> None:
        self.package = package
        self._levels: dict[tuple[str, int], tuple[str, str]] = {}
        self._styles = style_table(package)
        self._numbering_read = False  # numbering.xml too is read when first asked about
        self._part_rels: dict[str, Relationship] | None = None  # see in_part
        # footnote and endnote markers met so far: (kind, w:id) -> place in the document
        self.note_places: dict[tuple[str, str], int] = {}

    def note_place(self, kind: str, note_id: str) -> int:
        """The place (1, 2, ...) of the ``kind`` note ``note_id``, in the order first met."""
        return self.note_places.setdefault((kind, note_id), len(self.note_places) + 1)

    def in_part(self, name: str) -> DocContext:
        """The same styles and numbering, links looked up in the part ``name`` (the notes)."""
        other = copy.copy(self)
        other._part_rels = self.package.relationships_of(name)
        return other

    def style(self, sid: str) -> Style | None:
        """The style with this id (None when the document has none), read once."""
        return self._styles.style(sid)

    def _read_numbering(self) -> None:
        numbering = self.package.related_xml(RT_NUMBERING)
        if numbering is None:
            return
        abstract: dict[str, dict[int, tuple[str, str]]] = {}
        for an in numbering.findall(_W_ABSTRACT_NUM):
            abstract[str(an.get(_W_ABSTRACT_NUM_ID))] = _levels(an)
        for num in numbering.findall(_W_NUM):
            num_id = str(num.get(_W_NUM_ID))
            ref = num.find(_W_ABSTRACT_NUM_ID)
            levels = dict(abstract.get(str(ref.get(W_VAL)), {})) if ref is not None else {}
            for override in num.findall(_W_LVL_OVERRIDE):
                levels.update(_levels(override))
            for ilvl, fmt in levels.items():
                self._levels[(num_id, ilvl)] = fmt

    def chain(self, style_id: str | None) -> Iterator[Style]:
        """The style and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < _MAX_STYLE_DEPTH:
            seen.add(style_id)
            style = self.style(style_id)
            if style is None:
                return
            yield style
            style_id = style.based_on

    def inherited(self, style_id: str | None, attr: str) -> Any:
        return next(
            (getattr(s, attr) for s in self.chain(style_id) if getattr(s, attr) is not None), None
        )

    def level_format(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """(numFmt, lvlText) of a numbering level, e.g. ("bullet", "•") or ("decimal", "%1.%2")."""
        if not self._numbering_read:
            self._numbering_read = True
            self._read_numbering()
        return self._levels.get((num_id, ilvl))

    def link(self, hyperlink: Element) -> str | None:
        rid, anchor = hyperlink.get(_R_ID), hyperlink.get(_W_ANCHOR)
        rels = self._part_rels
        rel = (
            None
            if not rid
            else rels.get(str(rid))
            if rels is not None
            else self.package.target(str(rid))
        )
        target = rel.target if rel is not None else None
        if anchor:
            return f"{target or ''}#{anchor}"
        return target or None


def _read_style(sid: str, st: Element) -> Style:
    name_el, based_el = st.find(_W_NAME), st.find(_W_BASED_ON)
    ppr, rpr = st.find(W_P_PR), st.find(W_R_PR)
    return Style(
        name=str(name_el.get(W_VAL, sid)) if name_el is not None else sid,
        based_on=str(based_el.get(W_VAL)) if based_el is not None else None,
        outline=outline_level(ppr),
        bold=on_off(rpr.find(W_B)) if rpr is not None else None,
        italic=on_off(rpr.find(W_I)) if rpr is not None else None,
        num=num_pr(ppr),
    )


def outline_level(ppr: Element | None) -> int | None:
    el = ppr.find(_W_OUTLINE_LVL) if ppr is not None else None
    if el is None:
        return None
    try:
        return int(el.get(W_VAL, "9"))
    except ValueError:
        return None


def num_pr(ppr: Element | None) -> tuple[str, int | None] | None:
    num = ppr.find(_W_NUM_PR) if ppr is not None else None
    if num is None:
        return None
    num_id, ilvl = num.find(_W_NUM_ID), num.find(_W_ILVL)
    if num_id is None:
        return None
    try:
        level = int(ilvl.get(W_VAL, "0")) if ilvl is not None else None
    except ValueError:
        level = 0
    return str(num_id.get(W_VAL, "0")), level


def _levels(parent: Element) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for lvl in parent.findall(_W_LVL):
        try:
            ilvl = int(lvl.get(_W_ILVL, "0"))
        except ValueError:
            continue
        fmt, text = lvl.find(_W_NUM_FMT), lvl.find(_W_LVL_TEXT)
        out[ilvl] = (
            str(fmt.get(W_VAL, "decimal")) if fmt is not None else "decimal",
            str(text.get(W_VAL, "")) if text is not None else "",
        )
    return out
