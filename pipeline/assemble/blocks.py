"""Writing a policy section's blocks into a docxtpl subdocument, in the template's styles.

The subdocument is a :class:`SectionBody` (below), which shares the template's document part:
style names resolve to the template's style ids, hyperlink relationships land in the main
document, and new list instances go into the template's numbering part. So the section text
comes out in the house style without any direct formatting except the officer's own bold
and italic.

Body paragraphs are renumbered here ("5.1", "5.2", ...): the reader strips the officer's
numbers so a paragraph added or removed in the middle never leaves a gap or a duplicate.

Paragraphs, sub-headings and list items are written as WordprocessingML text
(:mod:`pipeline.wordml`) and parsed into the body once per run of them, not built with
python-docx's ``add_paragraph``/``add_run``/``bold``, which looked things up for every
paragraph and run: half of rendering a policy (``make bench`` row g, 27 ms then; 19 ms
after). The XML is the same, element for element. Tables and figures are still
python-docx's (a few per policy).

Footnotes and endnotes are not written as Word notes: python-docx has no notes part to add
to, and a hand-made ``footnotes.xml`` beside docxtpl's subdocuments would be one more thing
to keep in step. Each section's notes are a numbered "Notes" list at its end instead, which
reads the same in the Word document, the PDF and the web page. Note markers are the only
direct formatting besides the officer's bold and italic: superscript.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.document import CT_Document
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Twips
from docxtpl import DocxTemplate, Subdoc

from pipeline import wordml
from pipeline.links import safe_href
from pipeline.records import Block, Figure, ListItem, Note, Paragraph, Run, SubHeading, Table

NUMBERED_STYLE = "Numbered Paragraph"
SUBHEADING_STYLE = "Heading 2"
TABLE_STYLE = "Council Table"
TABLE_HEADING_STYLE = "Table Heading"
TABLE_TEXT_STYLE = "Table Text"
LINK_STYLE = "Hyperlink"
BULLET_STYLES = ("List Bullet", "List Bullet 2", "List Bullet 3")
ORDERED_STYLES = ("List Number", "List Number 2", "List Number 3")
# Every style the block writer needs; a template missing one cannot take section text.
BLOCK_STYLES = (
    NUMBERED_STYLE,
    SUBHEADING_STYLE,
    TABLE_STYLE,
    TABLE_HEADING_STYLE,
    TABLE_TEXT_STYLE,
    LINK_STYLE,
    *BULLET_STYLES,
    *ORDERED_STYLES,
)
NOTES_HEADING = "Notes"  # the heading over a section's footnotes and endnotes
NOTE_STYLE = "Normal"
TEXT_WIDTH = 9070  # twips: A4 less 25 mm margins; the table stretches to the text column

# XML 1.0 forbids these; lxml refuses them and Word reports the file as corrupt.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# docxtpl turns "{_{", "}_}", "{_%" and "%_}" into "{{", "}}", "{%", "%}" after rendering
# (its escape for template authors); splitting text between the two characters keeps them.
_DOCXTPL_ESCAPE = re.compile(r"(?<=[{}%])(?=_[{}%])")


def clean_text(text: str) -> str:
    """The text with Windows line ends made ``\\n`` and XML-illegal characters removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def guarded_pieces(text: str) -> list[str]:
    """``text`` split so that no piece contains one of docxtpl's escape sequences."""
    return [p for p in _DOCXTPL_ESCAPE.split(clean_text(text)) if p]


def _numbering_of(style: Any) -> tuple[int, int] | None:
    """(numId, ilvl) of a list style, so each list paragraph can name its list explicitly."""
    num_pr = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    if num_pr is None or num_pr.find(qn("w:numId")) is None:
        return None
    ilvl = num_pr.find(qn("w:ilvl"))
    return int(num_pr.find(qn("w:numId")).get(qn("w:val"))), int(
        ilvl.get(qn("w:val")) if ilvl is not None else 0
    )


class SectionBody(Subdoc):  # type: ignore[misc]  # docxtpl is untyped
    """A docxtpl sub-document for one section, written into with python-docx.

    ``tpl.new_subdoc()`` loads python-docx's whole default template (a package from disk)
    only to throw away all but its empty body and its US Letter page: two thirds of the
    time spent writing sections. This makes the empty body directly, with the template's
    own page settings (so tables are sized for A4 and its margins); paragraphs written into it take their
    styles, numbering and hyperlink relationships from the template's own document part,
    exactly as docxtpl's do.
    """

    def __init__(self, tpl: DocxTemplate) -> None:
        self.tpl = tpl
        self.docx = tpl.get_docx()
        element = cast(CT_Document, parse_xml(f"<w:document {nsdecls('w')}><w:body/></w:document>"))
        page = self.docx.element.body.sectPr
        if page is not None:  # tables are sized to the template's page, then this is dropped
            element.body.append(copy.deepcopy(page))
        self.subdocx = WordDocument(element, self.docx.part)


@dataclass
class BlockWriter:
    """Writes the blocks of one section, numbering its paragraphs ``<section>.<n>``."""

    subdoc: Any
    section_number: int
    paragraphs: int = 0
    _ordered_num: int | None = None
    _previous: Block | None = None
    # style name -> python-docx style, shared like style_ids: the template's styles part
    # is shared by its documents and never written into (``package.SHARED``)
    styles: dict[str, Any] = field(default_factory=dict)
    _pending: list[str] = field(default_factory=list)  # paragraphs' XML not yet in the body
    # paragraph style name -> id, shared by one document's sections (see _add)
    style_ids: dict[str, str | None] = field(default_factory=dict)

    def write(self, blocks: Iterable[Block]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            elif isinstance(block, SubHeading):
                self._subheading(block)
            elif isinstance(block, ListItem):
                self._list_item(block)
            elif isinstance(block, Table):
                self._table(block)
            elif isinstance(block, Figure):
                self._figure(block)
            elif isinstance(block, Note):
                self._note(block)
            if not isinstance(block, ListItem):
                self._ordered_num = None  # a lettered list after other text starts again at a)
            self._previous = block
        self._flush()

    def _flush(self) -> None:
        """Put the paragraphs written as text into the body, before its page settings, as
        ``add_paragraph`` does; before a table or figure, and at the end."""
        if not self._pending:
            return
        parsed = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self._pending)}</w:body>")
        body = self.subdoc.element.body
        page = body.sectPr
        for element in list(parsed):
            if page is not None:
                page.addprevious(element)
            else:
                body.append(element)
        self._pending.clear()

    def _style(self, name: str) -> Any:
        if name not in self.styles:
            self.styles[name] = self.subdoc.styles[name]
        return self.styles[name]

    def _add(self, style: str, content: str = "", numbering: str = "") -> None:
        """A paragraph in ``style``, its id looked up once per document (python-docx looked
        it up for every paragraph, scanning every style for the default)."""
        if style not in self.style_ids:
            part = self.subdoc.part
            self.style_ids[style] = part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        properties = wordml.style(self.style_ids[style]) + numbering
        self._pending.append(wordml.paragraph(content, properties))

    def _paragraph(self, block: Paragraph) -> None:
        if not block.text.strip():
            return
        self.paragraphs += 1
        number = wordml.run(f"{self.section_number}.{self.paragraphs}\t")
        self._add(NUMBERED_STYLE, number + self._runs(block.runs))

    def _subheading(self, block: SubHeading) -> None:
        text = clean_text(block.text).strip()
        if text:
            runs = "".join(wordml.run(piece) for piece in guarded_pieces(text))
            self._add(SUBHEADING_STYLE, runs)

    def _list_item(self, block: ListItem) -> None:
        level = max(0, min(block.level, 2))
        style_name = (ORDERED_STYLES if block.ordered else BULLET_STYLES)[level]
        numbering = _numbering_of(self._style(style_name))
        num_pr = ""
        if numbering is not None:
            num_id = numbering[0]
            if block.ordered:
                if self._ordered_num is None:
                    self._ordered_num = self._restarted_list(num_id)
                num_id = self._ordered_num
            num_pr = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
        self._add(style_name, self._runs(block.runs), num_pr)

    def _restarted_list(self, style_num_id: int) -> int:
        """A new list instance of the style's list, so every lettered list starts at a)."""
        numbering = self.subdoc.part.numbering_part.element
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        num = numbering.add_num(abstract_id)
        for ilvl in range(3):
            num.add_lvlOverride(ilvl=ilvl).add_startOverride(1)
        return int(num.numId)

    def _table(self, block: Table) -> None:
        rows = [tuple(clean_text(c) for c in row) for row in block.rows]
        if not any(c.strip() for row in rows for c in row):
            return
        if isinstance(self._previous, Table):
            self._add("Normal")  # two tables side by side would merge
        self._flush()
        cols = max(len(r) for r in rows)
        table = self.subdoc.add_table(rows=len(rows), cols=cols)
        table.style = TABLE_STYLE
        width = TEXT_WIDTH // cols
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "1" if block.header else "0")
            look.set(qn("w:firstColumn"), "0")
        for i, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            heading = block.header and i == 0
            if heading:
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell, value in zip(row.cells, (*values, *[""] * (cols - len(values))), strict=True):
                cell.width = Twips(width)
                p = cell.paragraphs[0]
                p.style = TABLE_HEADING_STYLE if heading else TABLE_TEXT_STYLE
                for piece in guarded_pieces(value):
                    p.add_run(piece)
        for col in table.columns:
            col.width = Twips(width)

    def _figure(self, block: Figure) -> None:
        """The picture in a paragraph of its own, no wider than the text column, with its
        alt text where Word keeps it (``wp:docPr descr``): LibreOffice tags it a Figure
        with that /Alt in the PDF."""
        self._flush()
        column = Twips(TEXT_WIDTH)
        width = Emu(min(block.width, column)) if block.width > 0 else None
        height = Emu(block.height * width // block.width) if width and block.height else None
        run = self.subdoc.add_paragraph(style="Normal").add_run()
        shape = run.add_picture(io.BytesIO(block.image), width=width, height=height)
        if shape.width > column:  # no size in the form: the image's own, cut to the column
            shape.height, shape.width = Emu(shape.height * column // shape.width), column
        doc_pr = run._r.xpath(".//wp:docPr")[-1]
        doc_pr.set("descr", clean_text(block.alt))
        doc_pr.set("name", block.filename)

    def _note(self, block: Note) -> None:
        """A footnote or endnote in the "Notes" list that ends its section, numbered as its
        marker in the text is (superscript there)."""
        if not isinstance(self._previous, Note):
            self._add(SUBHEADING_STYLE, wordml.run(NOTES_HEADING))
        self._add(NOTE_STYLE, wordml.run(f"{block.number}.\t") + self._runs(block.runs))

    def _runs(self, runs: Sequence[Run]) -> str:
        """The runs' XML: the officer's bold and italic, links as ``w:hyperlink``, note
        markers superscript."""
        out: list[str] = []
        for run in runs:
            if run.note is not None:
                out.append(wordml.run(str(run.note), '<w:vertAlign w:val="superscript"/>'))
                continue
            href = safe_href(run.href)
            text = run.text if run.text or not href else href
            looks = ("<w:b/>" if run.bold else "") + ("<w:i/>" if run.italic else "")
            if href:
                out.append(self._hyperlink(text, href, looks))
                continue
            out.extend(wordml.run(piece, looks) for piece in guarded_pieces(text))
        return "".join(out)

    def _hyperlink(self, text: str, href: str, looks: str) -> str:
        """A real ``w:hyperlink`` to an external relationship, in the Hyperlink style."""
        r_id = self.subdoc.part.relate_to(href, RT.HYPERLINK, is_external=True)
        style = f'<w:rStyle w:val="{wordml.escape(self._style(LINK_STYLE).style_id)}"/>'
        runs = "".join(
            f"<w:r><w:rPr>{style}{looks}</w:rPr>{wordml.t(piece)}</w:r>"
            for piece in guarded_pieces(text)
        )
        return (
            f'<w:hyperlink xmlns:r="{wordml.R}" r:id="{wordml.escape(r_id)}" w:history="1">'
            f"{runs}</w:hyperlink>"
        )
