"""Footnotes and endnotes of a Word form: what each says, and numbering them in a section.

An officer's footnote (a source, a legal reference, a link) is content: dropping it would
publish a policy that cites nothing. The paragraph reader marks where each note is pointed
at (a :class:`~pipeline.records.Run` with ``note`` set to its place in the document); this
reads the notes' own text from ``word/footnotes.xml`` and ``word/endnotes.xml`` and, as a
paragraph joins a section, numbers its notes there (1, 2, ...) as :class:`Note` blocks that
the documents print as the section's "Notes" list.

It reads the notes parts through :class:`~pipeline.forms.docx_package.WordPackage` (the
hardened parser, nothing outside the zip), and never reads Word's separator notes (the line
above the footnotes) or comments. A picture in a note is not carried: it is named for the
officer's report instead (:meth:`NoteTexts.pictures_in`).
"""

from __future__ import annotations

from dataclasses import replace

from docx.oxml.ns import qn

from pipeline.forms.common import merge_runs
from pipeline.forms.docx_blocks import W_P, in_fallback, read_paragraph
from pipeline.forms.docx_styles import DocContext
from pipeline.records import Block, ListItem, Note, Paragraph, Run

_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {"footnote": f"{_RELS}/footnotes", "endnote": f"{_RELS}/endnotes"}


class NoteTexts:
    """The text of each note of one document, each notes part read when first asked for."""

    def __init__(self, ctx: DocContext) -> None:
        self.ctx = ctx
        self._read: dict[str, dict[str, tuple[Run, ...]]] = {}
        self._pictures: dict[tuple[str, str], int] = {}  # notes holding drawings: how many

    def kind(self, place: int) -> str:
        """ "footnote" or "endnote": what the note at ``place`` is."""
        return next(k for (k, _), p in self.ctx.note_places.items() if p == place)

    def runs(self, place: int) -> tuple[Run, ...]:
        """The note's text as runs (its paragraphs joined by a space); empty if it has none."""
        kind, note_id = next(key for key, p in self.ctx.note_places.items() if p == place)
        if kind not in self._read:
            self._read[kind] = self._part(kind)
        return self._read[kind].get(note_id, ())

    def text(self, place: int) -> str:
        return "".join(r.text for r in self.runs(place))

    def pictures_in(self, places: list[int]) -> list[str]:
        """What the notes at ``places`` hold that a note cannot carry: their pictures, charts
        and shapes ("a picture in a footnote ('Source: ...')"), for the officer's report."""
        lost = []
        for place in places:
            self.runs(place)  # reads the notes part, counting its drawings
            key = next(key for key, p in self.ctx.note_places.items() if p == place)
            if self._pictures.get(key):
                words = " ".join(self.text(place).split()[:8])
                lost.append(f"a picture in a {key[0]}" + (f" ('{words}')" if words else ""))
        return lost

    def _part(self, kind: str) -> dict[str, tuple[Run, ...]]:
        name = self.ctx.package.related(_PARTS[kind])
        root = self.ctx.package.related_xml(_PARTS[kind])  # a damaged part rejects the form
        if name is None or root is None:
            return {}
        ctx = self.ctx.in_part(name)  # a link in a note is the notes part's relationship
        notes: dict[str, tuple[Run, ...]] = {}
        for note in root.findall(qn(f"w:{kind}")):
            if note.get(qn("w:type")) not in (None, "normal"):
                continue  # the separator lines Word draws above the notes
            runs: list[Run] = []
            for p in note.iter(W_P):
                para = read_paragraph(p, ctx).runs
                if para and runs:
                    runs.append(Run(" "))
                runs.extend(r for r in para if r.note is None)
            if runs:  # Word puts a space after the note's own number
                runs[0] = replace(runs[0], text=runs[0].text.lstrip())
            notes[str(note.get(qn("w:id"), ""))] = merge_runs(runs)
            drawings = [
                d for d in note.iter(qn("w:drawing"), qn("w:pict")) if not in_fallback(d, note)
            ]
            if drawings:
                self._pictures[(kind, str(note.get(qn("w:id"), "")))] = len(drawings)
        return notes


def note_places(runs: tuple[Run, ...]) -> list[int]:
    """The places of the notes a paragraph's runs point at, in order."""
    return [r.note for r in runs if r.note is not None]


def number_notes(block: Block, notes: list[Note], texts: NoteTexts) -> Block:
    """``block`` with its note markers numbered after the ``notes`` its section already has,
    and those notes added to ``notes``. A block without markers comes back as it was."""
    if not isinstance(block, Paragraph | ListItem) or not note_places(block.runs):
        return block
    runs: list[Run] = []
    for run in block.runs:
        if run.note is None:
            runs.append(run)
            continue
        number = len(notes) + 1
        notes.append(Note(number, texts.runs(run.note), texts.kind(run.note)))
        runs.append(replace(run, text=str(number), note=number))
    return replace(block, runs=tuple(runs))


def add_notes(places: list[int], notes: list[Note], texts: NoteTexts) -> None:
    """Notes pointed at from where no marker can stand (a table cell): the note is kept in
    the section's list, numbered after the others."""
    for place in places:
        notes.append(Note(len(notes) + 1, texts.runs(place), texts.kind(place)))
