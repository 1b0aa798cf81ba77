"""The neutral record every form is read into, whatever it arrived as.

A Word policy and an Excel policy become the same :class:`FormRecord`. Section text keeps
its structure (paragraphs, sub-headings, list items with levels, bold, italic, links,
simple tables, pictures, footnotes) so the assembled document loses nothing the officer wrote. Every value
keeps where it was found, so a problem can point the officer at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look. ``href`` makes it a hyperlink.

    ``note`` makes it the marker of a footnote or endnote: in a section, the number of its
    :class:`Note` there (the run's text is that number); while a Word form is being read,
    the note's place in the document (its text still empty).
    """

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    note: int | None = None


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class SubHeading:
    text: str


@dataclass(frozen=True)
class ListItem:
    """A bulleted (``ordered=False``) or lettered/numbered item, ``level`` 0 for the outermost."""

    runs: tuple[Run, ...]
    level: int = 0
    ordered: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Table:
    """A simple table; the first row is the header row when ``header`` is true."""

    rows: tuple[tuple[str, ...], ...]
    header: bool = True


@dataclass(frozen=True)
class Figure:
    """A picture as the officer placed it: its bytes, alt text and size in EMU.

    ``alt`` is Word's "Description" (``wp:docPr descr``), the text a screen reader speaks;
    ``place`` says where it was ("picture 2 in 'The Policy'") for a message.
    """

    image: bytes = field(repr=False)
    filename: str  # "image1.png": its extension says the format
    alt: str
    width: int
    height: int
    place: str = ""

    @property
    def text(self) -> str:
        return self.alt


@dataclass(frozen=True)
class Note:
    """A footnote or endnote, numbered in its section; the section's "Notes" list ends it.

    Its marker is the run with ``note == number`` in the paragraph that pointed at it.
    """

    number: int
    runs: tuple[Run, ...]
    kind: str = "footnote"  # "footnote" | "endnote": the Word form's word for it

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


Block = Paragraph | SubHeading | ListItem | Table | Figure | Note


@dataclass(frozen=True)
class SectionContent:
    key: str  # the framework's section key
    heading: str  # the heading as the officer wrote it
    blocks: tuple[Block, ...]
    location: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(block_text(b).strip() for b in self.blocks)


@dataclass(frozen=True)
class FieldValue:
    """A value as written (kept for display) and where it was found ("table row 3", "Sheet1!B4")."""

    text: str
    location: str = ""


@dataclass(frozen=True)
class Row:
    """One row of a repeating table (an implementation area, a consultation theme)."""

    cells: dict[str, str]
    location: str = ""

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class FormRecord:
    form_type: str  # a key of the framework's forms
    source: Path
    fields: dict[str, FieldValue] = field(default_factory=dict)
    sections: list[SectionContent] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    # Headings or labels the reader could not place: reported as warnings, never dropped silently.
    unplaced: list[FieldValue] = field(default_factory=list)
    # Boxes (text: the label) where characters XML cannot hold were replaced: warnings.
    replaced: list[FieldValue] = field(default_factory=list)
    # Tracked changes not yet accepted, by author: the form is read as if they were, and held
    # as a DRAFT until someone accepts or rejects them in Word.
    revisions: dict[str, int] = field(default_factory=dict)
    # What was in the form but cannot be carried into the documents (text: what, location:
    # where): the officer is told, never left to find out.
    not_carried: list[FieldValue] = field(default_factory=list)

    def value(self, key: str) -> str:
        """The field's text, stripped; empty when the form does not have it."""
        fv = self.fields.get(key)
        return fv.text.strip() if fv else ""

    def location(self, key: str) -> str:
        fv = self.fields.get(key)
        return fv.location if fv else ""

    def section(self, key: str) -> SectionContent | None:
        return next((s for s in self.sections if s.key == key), None)


def block_text(block: Block) -> str:
    """The plain words of a block, for checks and search."""
    if isinstance(block, Table):
        return " ".join(" ".join(row) for row in block.rows)
    return block.text
