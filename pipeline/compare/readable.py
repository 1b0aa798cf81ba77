"""The comparison for people reading a PDF or listening to it with a screen reader.

Word's tracked changes are shown by colour alone when a document becomes a PDF, and a
screen reader announces none of them. Here every change is marked three ways: by words
read aloud ("[inserted: ...]", "[deleted: ...]", "[paragraph added]"), by underline or
strike-through, and by colour; a legend and the summary come first. The document is
plain Word in real heading styles, converted to a tagged PDF like the others. It never
decides what changed (see ``diff``).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from pipeline import atomic
from pipeline.compare.diff import Change, Comparison, Op
from pipeline.compare.tracked import STYLES, Paragraphs, blank_document

INSERTED, DELETED = RGBColor(0x00, 0x5A, 0x2B), RGBColor(0xA0, 0x00, 0x00)  # 7:1 on white
LEGEND = (
    "How changes are shown: inserted words are underlined and read as \u201c[inserted: "
    "\u2026]\u201d; deleted words are struck through and read as \u201c[deleted: \u2026]\u201d. "
    "A paragraph added, removed or moved whole begins with \u201c[paragraph added]\u201d, "
    "\u201c[paragraph removed]\u201d or \u201c[paragraph moved here]\u201d."
)
PARAGRAPH_LABEL = {
    "added": ("[paragraph added] ", "insert"),
    "moved_to": ("[paragraph moved here] ", "insert"),
    "removed": ("[paragraph removed] ", "delete"),
    "moved_from": ("[paragraph moved from here] ", "delete"),
}


def _marked(p: DocxParagraph, op: Op, text: str) -> None:
    if op == "equal":
        p.add_run(text)
        return
    label = "inserted" if op == "insert" else "deleted"
    run = p.add_run(f"[{label}: {text.strip()}]")
    run.font.color.rgb = INSERTED if op == "insert" else DELETED
    if op == "insert":
        run.font.underline = True
    else:
        run.font.strike = True
    if text != text.lstrip():
        run.text = " " + run.text
    if text != text.rstrip():
        run.text += " "


def _change(doc: Paragraphs, change: Change) -> None:
    item = change.new if change.new is not None else change.old
    assert item is not None
    p = doc.add(style=STYLES[item.style])
    if change.kind in PARAGRAPH_LABEL:
        label, op = PARAGRAPH_LABEL[change.kind]
        p.add_run(label).bold = True
        _marked(p, op, item.text)  # type: ignore[arg-type]
        return
    last: Op = "equal"
    for op_, text in change.words or (("equal", item.text),):
        if text:
            if op_ != "equal" and last != "equal":
                p.add_run(" ")  # "[deleted: a] [inserted: b]": two things, read as two
            _marked(p, op_, text)
            last = op_


def _no_title_rule(document: DocumentObject) -> None:
    """python-docx's Title style has a rule under it, which LibreOffice 7.4 paints as a path
    that is neither tagged nor an artifact, so the PDF fails PDF/UA-1
    (PDFUA1-CONTENT-TAGGING-001). The rule goes; the heading stays."""
    ppr = document.styles["Title"].element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if ppr is not None and border is not None:
        ppr.remove(border)


def readable_docx(comparison: Comparison, title: str) -> bytes:
    """The comparison with its changes in words, a summary and a legend first, as bytes."""
    document = blank_document()
    _no_title_rule(document)
    document.core_properties.title = f"{title}: changes since version {comparison.old_version}"
    document.core_properties.language = "en-GB"
    doc = Paragraphs(document)
    doc.heading(
        f"{title}: changes in version {comparison.new_version} since version "
        f"{comparison.old_version}",
        level=0,
    )
    doc.heading("Summary", level=1)
    for name, count in comparison.summary.items():
        doc.add(f"{name.capitalize()}: {count}", style="List Bullet")
    doc.add(LEGEND)
    for section in comparison.sections:
        note = {"added": " [section added]", "removed": " [section removed]"}
        doc.heading(section.heading + note.get(section.status, ""), level=1)
        if section.status == "same":
            doc.add("No changes in this section.")
            continue
        for change in section.changes:
            _change(doc, change)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_readable(comparison: Comparison, title: str, path: Path) -> Path:
    """Write :func:`readable_docx` to ``path`` durably (:mod:`pipeline.atomic`)."""
    atomic.write_bytes(path, readable_docx(comparison, title))
    return path
