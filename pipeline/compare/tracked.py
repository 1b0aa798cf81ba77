"""The new version of a policy as a Word document with real tracked changes.

A reviewer opens it in Word and sees the comparison in the Reviewing pane: every inserted
stretch a ``w:ins``, every deleted one a ``w:del`` (its words in ``w:delText``), authored
"Policy pipeline" and dated, so Accept and Reject work; a paragraph added or removed whole
has its paragraph mark tracked too, so rejecting it leaves no empty paragraph. A moved
paragraph is tracked as deleted where it was and inserted where it is. Unchanged text is
plain. It writes the comparison as it is; it never decides what changed (see ``diff``).
"""

from __future__ import annotations

import copy
import io
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import ClassVar

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml.etree import _Element as BaseOxmlElement

from pipeline import atomic
from pipeline.compare.diff import Change, Comparison, Item, Op

AUTHOR = "Policy pipeline"
STYLES = {
    "paragraph": "Normal",
    "heading": "Heading 2",
    "bullet": "List Bullet",
    "number": "List Number",
    "row": "Normal",
}


@cache
def _default_document() -> DocumentObject:
    return Document()


def blank_document() -> DocumentObject:
    """A new document from python-docx's default template: a copy of one kept for the
    process, never changed itself. ``Document()`` reads and parses the template's package
    every time, twice what the copy costs; the saved files are the same, part for part."""
    return copy.deepcopy(_default_document())


class Paragraphs:
    """Adds paragraphs to ``doc`` by style name, looking each style up once.

    python-docx looks a style up on every paragraph, scanning every style for the default
    one (about 1 ms a paragraph; 60% of a comparison's CPU in ``make bench``). Both
    comparison documents start from python-docx's own default template, so a style name's
    id is the same in every one of them and is kept for the process; the paragraphs are
    the same, ``w:pStyle`` and all.
    """

    _ids: ClassVar[dict[str, str | None]] = {}  # style name -> id in python-docx's default template

    def __init__(self, doc: DocumentObject) -> None:
        self.doc = doc

    def add(self, text: str = "", style: str | None = None) -> DocxParagraph:
        """As ``Document.add_paragraph``: no ``style``, no paragraph properties."""
        p = self.doc.add_paragraph(text)
        if style is not None:
            if style not in self._ids:
                part = self.doc.part  # python-docx leaves get_style_id untyped
                self._ids[style] = part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)  # type: ignore[no-untyped-call]
            p._p.style = self._ids[style]
        return p

    def heading(self, text: str = "", level: int = 1) -> DocxParagraph:
        """As ``Document.add_heading``: "Title" for level 0, else "Heading <level>"."""
        return self.add(text, "Title" if level == 0 else f"Heading {level}")


class _Marks:
    """Tracked-change elements with unique ids, one author and one date."""

    def __init__(self, when: datetime) -> None:
        self.when = when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def mark(self, tag: str) -> BaseOxmlElement:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), self.when)
        self.next_id += 1
        return element


def _run(text: str, deleted: bool = False) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    return run


def _paragraph(doc: Paragraphs, item: Item, marks: _Marks, whole: Op | None) -> BaseOxmlElement:
    """An empty paragraph in the item's style; ``whole`` tracks its paragraph mark."""
    p = doc.add(style=STYLES[item.style])._p
    if whole is not None:
        rpr = OxmlElement("w:rPr")
        rpr.append(marks.mark("w:ins" if whole == "insert" else "w:del"))
        p.get_or_add_pPr().append(rpr)
    return p


def _stretch(p: BaseOxmlElement, op: Op, text: str, marks: _Marks) -> None:
    if not text:
        return
    if op == "equal":
        p.append(_run(text))
        return
    wrapper = marks.mark("w:ins" if op == "insert" else "w:del")
    wrapper.append(_run(text, deleted=op == "delete"))
    p.append(wrapper)


def _change(doc: Paragraphs, change: Change, marks: _Marks) -> None:
    if change.kind in ("added", "moved_to") and change.new is not None:
        p = _paragraph(doc, change.new, marks, "insert")
        _stretch(p, "insert", change.new.text, marks)
    elif change.kind in ("removed", "moved_from") and change.old is not None:
        p = _paragraph(doc, change.old, marks, "delete")
        _stretch(p, "delete", change.old.text, marks)
    elif change.new is not None:
        p = _paragraph(doc, change.new, marks, None)
        for op, text in change.words or (("equal", change.new.text),):
            _stretch(p, op, text, marks)


def tracked_docx(comparison: Comparison, title: str, when: datetime) -> bytes:
    """The comparison as a .docx with Word tracked changes, as bytes."""
    document = blank_document()
    document.core_properties.title = f"{title}: changes since version {comparison.old_version}"
    document.core_properties.author = AUTHOR
    doc = Paragraphs(document)
    marks = _Marks(when)
    doc.heading(f"{title}, version {comparison.new_version}", level=0)
    doc.add(comparison.summary_line() + " The changes are tracked: use Review, Accept or Reject.")
    for section in comparison.sections:
        heading = doc.heading(level=1)._p
        op: Op = {"added": "insert", "removed": "delete"}.get(section.status, "equal")  # type: ignore[assignment]
        _stretch(heading, op, section.heading, marks)
        for change in section.changes:
            _change(doc, change, marks)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_tracked(comparison: Comparison, title: str, when: datetime, path: Path) -> Path:
    """Write :func:`tracked_docx` to ``path`` durably (:mod:`pipeline.atomic`)."""
    atomic.write_bytes(path, tracked_docx(comparison, title, when))
    return path
