"""The sum: what an officer put in a policy's section against what came out, kind by kind.

One Word form holds N of each kind in "The Policy" (paragraphs, list items, table cells,
pictures, links, footnotes and endnotes, text boxes), written with python-docx and, where
python-docx cannot, raw XML as Word writes it (tests/helpers/word_parts.py). It goes through
the real pipeline (LibreOffice included) once; for each kind, what is counted in the output
DOCX, in the PDF (text read back with pypdf, pictures as /Figure in the structure tree,
links as /URI annotations) and on the web page, plus what the officer's report names as not
carried, must equal what went in. The form also holds what a document cannot carry where it
stands (a link inside a table cell, a footnote in the details table): those count only if
the report names them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from pipeline.outcome import Accepted
from pipeline.run import run_batch
from pipeline.workspace import init_workspace
from tests.helpers.officers import DETAILS, appendix3_document, png
from tests.helpers.tags import Tag, structure
from tests.helpers.word_parts import (
    Notes,
    header_row_cells,
    hyperlink,
    hyperlinks,
    picture_alts,
    styled_paragraphs,
    text_box,
)

pytestmark = pytest.mark.requires_libreoffice

N = 3
WORDS = ("alpha", "bravo", "charlie")
SIGNED = (*DETAILS, ("Change type", "Major change"), ("Sign-off level", "Head of Service"))
PARAGRAPHS = tuple(f"Carried paragraph {w} stands alone." for w in WORDS)
ITEMS = tuple(f"Carried list item {w}." for w in WORDS)
CELLS = ("Carried header one", "Carried header two", "Carried cell three", "Carried cell four")
PICTURES = tuple(f"Carried picture {w}: a diagram of step {w}." for w in WORDS)
LINKS = tuple((f"Carried link {w}", f"https://www.example.org/carried-{w}") for w in WORDS)
NOTES = (
    ("footnote", "Carried footnote alpha cites the Care Act 2014."),
    ("footnote", "Carried footnote bravo cites the statutory guidance."),
    ("endnote", "Carried endnote charlie says where the figures came from."),
)
BOXES = tuple(f"Carried text box {w} in the margin." for w in WORDS)
# What the form holds that cannot stand where the officer put it: it must be reported.
CELL_LINK = ("Carried cell link", "https://www.example.org/carried-in-a-cell")
DETAILS_NOTE = "Carried footnote in the details table."


def carried_form(path: Path) -> Path:
    """The Appendix 3 policy with N of each kind added to "The Policy"."""
    document = appendix3_document("Carried Content Policy", SIGNED)
    notes = Notes(document)
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    for text in ITEMS:
        document.add_paragraph(text, style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for cell, text in zip((c for r in table.rows for c in r.cells), CELLS, strict=True):
        cell.text = text
    hyperlink(table.rows[1].cells[1].paragraphs[0], f" {CELL_LINK[0]}", CELL_LINK[1])
    for alt in PICTURES:
        run = document.add_paragraph().add_run()
        run.add_picture(io.BytesIO(png(120, 40)))
        run._r.xpath(".//wp:docPr")[-1].set("descr", alt)
    for words, url in LINKS:
        paragraph = document.add_paragraph("Read more at ")
        hyperlink(paragraph, words, url)
    for (kind, text), word in zip(NOTES, WORDS, strict=True):
        paragraph = document.add_paragraph(f"A sentence with a {kind} {word}.")
        notes.add(paragraph, text, kind)
    notes.add(document.tables[0].rows[0].cells[1].paragraphs[0], DETAILS_NOTE)
    for number, text in enumerate(BOXES, start=1):
        anchor = document.add_paragraph("A paragraph with a text box beside it.")
        text_box(anchor, [text], number)
    notes.finish()
    document.save(str(path))
    return path


@dataclass(frozen=True)
class Outputs:
    paragraphs: list[tuple[str, str]]  # the DOCX's (style id, text) of every paragraph
    header_cells: list[str]  # the DOCX's cells in rows marked as header rows
    links: list[tuple[str, str]]  # the DOCX's hyperlinks: (words, address)
    alts: list[str]  # the DOCX's pictures' alt text
    pdf_text: str  # squashed: no white space
    pdf_alts: list[str]  # /Alt of every /Figure
    pdf_uris: list[str]
    pdf_tables: list[list[list[tuple[str, str]]]]  # each Table's rows: (cell role, its text)
    page: Any  # the web page's <main>, parsed
    reported: list[str]  # the officer's warnings


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def _table(table: Tag) -> list[list[tuple[str, str]]]:
    rows = [t for t in table.walk() if t.role == "TR"]
    return [[(c.role, _squash(c.all_text)) for c in row.kids] for row in rows]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    ws = init_workspace(tmp_path_factory.mktemp("carried") / "ws")
    carried_form(ws.inbox / "carried.docx")
    result = run_batch(ws)
    assert not result.rejected, [(r.file, [p.message for p in r.problems]) for r in result.rejected]
    accepted: Accepted = result.accepted[0]
    docx = next(p for p in accepted.outputs if p.name == "policy.docx")
    pdf = next(p for p in accepted.outputs if p.name == "policy.pdf")
    with zipfile.ZipFile(docx) as package:
        xml = package.read("word/document.xml")
        rels = package.read("word/_rels/document.xml.rels")
    reader = PdfReader(pdf)
    tree = structure(pdf).walk()
    annots = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    page = lxml_html.fromstring(docx.with_suffix(".html").read_bytes())
    return Outputs(
        paragraphs=styled_paragraphs(xml),
        header_cells=header_row_cells(xml),
        links=hyperlinks(xml, rels),
        alts=picture_alts(xml),
        pdf_text=_squash(" ".join(p.extract_text() or "" for p in reader.pages)),
        pdf_alts=[
            str(reader.get_object(t.ref).get("/Alt", ""))
            for t in tree
            if t.role == "Figure" and t.ref
        ],
        pdf_uris=[str(a["/A"].get("/URI", "")) for a in annots if "/A" in a],
        pdf_tables=[_table(t) for t in tree if t.role == "Table"],
        page=page.xpath("//main")[0],
        reported=[w.message for w in accepted.warnings],
    )


def _once(texts: list[str], wanted: tuple[str, ...]) -> int:
    """How many of ``wanted`` occur in ``texts`` exactly once: read twice is not carried."""
    return sum(1 for w in wanted if sum(t.count(w) for t in texts) == 1)


def _in_pdf(out: Outputs, wanted: tuple[str, ...]) -> int:
    return _once([out.pdf_text], tuple(_squash(w) for w in wanted))


def _on_page(out: Outputs, xpath: str, wanted: tuple[str, ...]) -> int:
    return _once([" ".join(e.text_content().split()) for e in out.page.xpath(xpath)], wanted)


def _docx(out: Outputs, wanted: tuple[str, ...], style: str | None = None) -> int:
    return _once([t for s, t in out.paragraphs if style is None or s == style], wanted)


Counter = Callable[[Outputs], dict[str, int]]


def _paragraphs(out: Outputs) -> dict[str, int]:
    return {
        "docx": _docx(out, PARAGRAPHS, "NumberedParagraph"),
        "pdf": _in_pdf(out, PARAGRAPHS),
        "web page": _on_page(out, ".//p", PARAGRAPHS),
    }


def _list_items(out: Outputs) -> dict[str, int]:
    return {
        "docx": _docx(out, ITEMS, "ListBullet"),
        "pdf": _in_pdf(out, ITEMS),
        "web page": _on_page(out, ".//ul/li", ITEMS),
    }


def _table_cells(out: Outputs) -> dict[str, int]:
    return {
        "docx": _docx(out, CELLS),
        "pdf": _in_pdf(out, CELLS),
        "web page": _on_page(out, ".//table//td | .//table//th", CELLS),
    }


def _pictures(out: Outputs) -> dict[str, int]:
    return {
        "docx": _once(out.alts, PICTURES),
        "pdf": _once(out.pdf_alts, PICTURES),
        "web page": _once(out.page.xpath(".//img/@alt"), PICTURES),
    }


def _links(out: Outputs) -> dict[str, int]:
    wanted = tuple(f"{words}|{url}" for words, url in LINKS)
    page = [f"{a.text_content()}|{a.get('href')}" for a in out.page.xpath(".//a[@href]")]
    return {
        "docx": _once([f"{w}|{u}" for w, u in out.links], wanted),
        "pdf": _once(out.pdf_uris, tuple(url for _, url in LINKS)),
        "web page": _once(page, wanted),
    }


def _notes(out: Outputs) -> dict[str, int]:
    texts = tuple(text for _, text in NOTES)
    linked = 0  # notes the page links to from their marker, and back
    for li in out.page.xpath(".//ol[@class='notes']/li"):
        marker = out.page.xpath(f".//a[@href='#{li.get('id')}']")
        back = li.xpath("./a/@href")
        linked += bool(marker) and back == [f"#{marker[0].get('id')}"]
    return {
        "docx": _docx(out, texts),
        "pdf": _in_pdf(out, texts),
        "web page": _on_page(out, ".//ol[@class='notes']/li", texts),
        "web page, linked both ways": linked,
    }


def _text_boxes(out: Outputs) -> dict[str, int]:
    return {
        "docx": _docx(out, BOXES, "NumberedParagraph"),
        "pdf": _in_pdf(out, BOXES),
        "web page": _on_page(out, ".//p", BOXES),
    }


# kind: (how many went in, what of them the report must name as not carried, the counter)
KINDS: dict[str, tuple[int, tuple[str, ...], Counter]] = {
    "paragraphs": (len(PARAGRAPHS), (), _paragraphs),
    "list items": (len(ITEMS), (), _list_items),
    "table cells": (len(CELLS), (), _table_cells),
    "pictures": (len(PICTURES), (), _pictures),
    "links": (len(LINKS) + 1, (CELL_LINK[1],), _links),
    "footnotes and endnotes": (len(NOTES) + 1, (DETAILS_NOTE,), _notes),
    "text boxes": (len(BOXES), (), _text_boxes),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_what_came_out_is_what_went_in(outputs: Outputs, kind: str) -> None:
    went_in, not_carried, count = KINDS[kind]
    reported = [w for w in not_carried if any(w in message for message in outputs.reported)]
    assert reported == list(not_carried)  # what is not carried is in the officer's report
    counted = count(outputs)
    assert counted == dict.fromkeys(counted, went_in - len(reported))


def test_nothing_else_is_reported_as_not_carried(outputs: Outputs) -> None:
    lost = [m for m in outputs.reported if "not carried" in m]
    assert len(lost) == sum(len(n) for _, n, _ in KINDS.values()), lost


def test_a_section_table_keeps_its_header_row(outputs: Outputs) -> None:
    """The first row stays the header row: repeated header row in Word, /TH in the PDF,
    ``<th scope="col">`` on the web page."""
    assert [c for c in outputs.header_cells if c.startswith("Carried")] == list(CELLS[:2])
    header = [("TH", _squash(c)) for c in CELLS[:2]]
    assert any(t[0] == header and [r for r, _ in t[1]] == ["TD", "TD"] for t in outputs.pdf_tables)
    headers = outputs.page.xpath(".//table[thead]//thead//th[@scope='col']/text()")
    assert [h for h in headers if h.startswith("Carried")] == list(CELLS[:2])
