"""One document's web page, made from the record the Word document is made from.

Not converted from the PDF: the record keeps the officer's structure, so headings, lists,
tables and links arrive as real HTML. One ``<h1>`` (the title); sections are ``<h2>``,
their sub-headings ``<h3>``, so levels never skip. Numbered paragraphs carry their number
as text; lettered and bulleted items are real nested lists; the details are a table with
row headers; footnotes and endnotes are each section's "Notes" list, linked from their
markers in the text and back. Every value passes through :func:`markupsafe.escape`: markup an officer typed
shows as text. Refuses to link anything but http, https and mailto (``pipeline.links``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from pipeline.framework import FormType
from pipeline.html.style import STYLESHEET
from pipeline.links import safe_href
from pipeline.records import (
    Block,
    Figure,
    FormRecord,
    ListItem,
    Note,
    Paragraph,
    Run,
    SubHeading,
    Table,
)
from pipeline.xml_chars import replace_illegal

DRAFT_PREFIX = "DRAFT – "
# Fields shown elsewhere on the page (the title is the <h1>) or set by the register.
_OVERRIDDEN = ("policy_ref", "version")


@dataclass(frozen=True)
class PageContext:
    """What the register knows that the form does not, as the Word document gets it."""

    title: str  # the document's title, exactly as the Word document's
    ref: str
    version: str
    council: str
    published: str  # the publication date, as it is printed
    change_history: Sequence[tuple[str, str, str, str]] = field(default_factory=tuple)
    draft: bool = False


def text(value: str) -> Markup:
    """A value as HTML text: characters no document may hold dropped, markup escaped."""
    return escape(replace_illegal(value).replace("\ufffd", ""))


def page(head_title: str, body: Iterable[str], *, council: str) -> str:
    """A whole page around ``body``: language, title, viewport, the stylesheet; no script."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{text(head_title)}</title>",
            f"<style>{STYLESHEET}</style>",
            "</head>",
            "<body>",
            '<a class="skip" href="#main">Skip to main content</a>',
            f'<header><p class="council">{text(council)}</p></header>',
            '<main id="main">',
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def render_document(record: FormRecord, form: FormType, ctx: PageContext) -> str:
    """The document's page; a DRAFT says so in its ``<title>`` and before its heading."""
    return _page(ctx, _body(record, form, ctx))


def render_documents(record: FormRecord, form: FormType, ctx: PageContext) -> tuple[str, str]:
    """The page clean and DRAFT (whatever ``ctx.draft`` says), as :func:`render_document`
    makes each, in one pass: all but their first lines is the same, so it is made once."""
    body = _body(record, form, ctx)
    return _page(replace(ctx, draft=False), body), _page(replace(ctx, draft=True), body)


def _page(ctx: PageContext, body: list[str]) -> str:
    """The page around ``body``, with what a DRAFT changes: its title, notice and date."""
    head_title = f"{DRAFT_PREFIX if ctx.draft else ''}{ctx.title} – {ctx.council}"
    top: list[str] = []
    if ctx.draft:
        top.append(
            '<p class="draft">DRAFT: this document is not yet approved for publication '
            "and may change.</p>"
        )
    top.append(f"<h1>{text(ctx.title)}</h1>")
    top.append(
        f"<p>{'Made' if ctx.draft else 'Published'} {text(ctx.published)}. "
        f"Version {text(ctx.version)}. "
        f"Reference {text(ctx.ref)}.</p>"
    )
    return page(head_title, [*top, *body], council=ctx.council)


def _body(record: FormRecord, form: FormType, ctx: PageContext) -> list[str]:
    """Everything after the heading's date line: the same clean or DRAFT."""
    body = _details(record, form, ctx)
    for number, section in enumerate(form.sections, start=1):
        content = record.section(section.key)
        body.append(f"<h2>{number}. {text(section.title)}</h2>")
        body.extend(_blocks(content.blocks if content else (), number))
    for f in form.fields:
        if f.type == "longtext" and record.value(f.key):
            body.append(f"<h2>{text(f.label)}</h2>")
            body.extend(
                f"<p>{text(line)}</p>" for line in record.value(f.key).splitlines() if line.strip()
            )
    if form.columns and record.rows:
        body.extend(_rows(record, form))
    if ctx.change_history:
        body.extend(_history(ctx.change_history))
    body.append(
        f"<footer><p>Produced by {text(ctx.council)} on {text(ctx.published)}.</p></footer>"
    )
    return body


def _details(record: FormRecord, form: FormType, ctx: PageContext) -> list[str]:
    rows: list[str] = []
    for f in form.fields:
        if f.key == form.title_field or f.type == "longtext":
            continue
        value = {"policy_ref": ctx.ref, "version": ctx.version}.get(f.key) or record.value(f.key)
        rows.append(
            f'<tr><th scope="row">{text(f.label)}</th><td>{text(value or "Not recorded")}</td></tr>'
        )
    return [
        "<table>",
        f"<caption>{text(form.label)} details</caption>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
    ]


def _rows(record: FormRecord, form: FormType) -> list[str]:
    head = "".join(f'<th scope="col">{text(c.label)}</th>' for c in form.columns)
    lines = [
        "<h2>What you told us and what we did</h2>"
        if form.key == "consultation_response"
        else f"<h2>{text(form.label)}</h2>",
        "<table>",
        f"<caption>{text(form.label)}: {len(record.rows)} rows</caption>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
    ]
    for row in record.rows:
        cells = [text(row.get(c.key)) for c in form.columns]
        lines.append(
            f'<tr><th scope="row">{cells[0]}</th>'
            + "".join(f"<td>{c}</td>" for c in cells[1:])
            + "</tr>"
        )
    return [*lines, "</tbody>", "</table>"]


def _history(history: Sequence[tuple[str, str, str, str]]) -> list[str]:
    lines = [
        "<h2>Change history</h2>",
        "<table>",
        "<caption>Versions of this document and what changed</caption>",
        '<thead><tr><th scope="col">Version</th><th scope="col">Date</th>'
        '<th scope="col">What changed</th><th scope="col">Author</th></tr></thead>',
        "<tbody>",
    ]
    for version, when, what, author in history:
        lines.append(
            f'<tr><th scope="row">{text(version)}</th><td>{text(when)}</td>'
            f"<td>{text(what)}</td><td>{text(author)}</td></tr>"
        )
    return [*lines, "</tbody>", "</table>"]


def runs(items: Iterable[Run], section: int = 0) -> Markup:
    """Runs as inline HTML: bold, italic, links whose text is their own, and note markers
    linking to their note in section ``section``'s "Notes" list (and back: :func:`_note`)."""
    out: list[str] = []
    for run in items:
        if run.note is not None:
            ids = f"note-{section}-{run.note}"
            out.append(f'<sup><a id="{ids}-ref" href="#{ids}">[{run.note}]</a></sup>')
            continue
        href = safe_href(run.href)
        words = run.text if run.text.strip() or not href else href
        piece = str(text(words))
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        if run.italic:
            piece = f"<em>{piece}</em>"
        if href:
            piece = f'<a href="{text(href)}">{piece}</a>'
        out.append(piece)
    return Markup("".join(out))


def _blocks(blocks: Sequence[Block], section: int) -> list[str]:
    """A section's blocks; paragraphs numbered ``<section>.<n>`` as the Word document does."""
    out: list[str] = []
    items: list[ListItem] = []
    notes: list[Note] = []
    paragraphs = tables = 0
    for block in (*blocks, None):
        if isinstance(block, ListItem):
            items.append(block)
            continue
        if isinstance(block, Note):
            notes.append(block)
            continue
        if items:
            out.extend(_list(items, section))
            items = []
        if isinstance(block, Paragraph) and block.text.strip():
            paragraphs += 1
            out.append(
                f'<p><span class="number">{section}.{paragraphs}</span> '
                f"{runs(block.runs, section)}</p>"
            )
        elif isinstance(block, SubHeading) and block.text.strip():
            out.append(f"<h3>{text(block.text.strip())}</h3>")
        elif isinstance(block, Table) and any(c.strip() for row in block.rows for c in row):
            tables += 1
            out.extend(_table(block, f"Table {tables} in section {section}"))
        elif isinstance(block, Figure):
            out.append(_figure(block))
    return out + _notes(notes, section)


def _notes(notes: Sequence[Note], section: int) -> list[str]:
    """The section's footnotes and endnotes, each linking back to its marker in the text."""
    if not notes:
        return []
    lines = ["<h3>Notes</h3>", '<ol class="notes">']
    for note in notes:
        ids = f"note-{section}-{note.number}"
        lines.append(
            f'<li id="{ids}" value="{note.number}">{runs(note.runs)} '
            f'<a href="#{ids}-ref">Back to the text of note {note.number}</a></li>'
        )
    return [*lines, "</ol>"]


_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}


def _figure(block: Figure) -> str:
    """A picture inside the page (a data: address, so the page is one file to upload) with
    Word's alt text; a format a browser cannot show is named instead of dropped."""
    kind = _IMAGE_TYPES.get(block.filename.rpartition(".")[2].lower())
    if kind is None or not block.image:
        return f'<p class="figure">[Picture: {text(block.alt or block.filename)}]</p>'
    data = base64.b64encode(block.image).decode("ascii")
    return f'<figure><img src="data:{kind};base64,{data}" alt="{text(block.alt)}"></figure>'


def _list(items: Sequence[ListItem], section: int) -> list[str]:
    """Items with levels as nested ``<ol type="a">`` / ``<ul>`` lists."""
    out: list[str] = []
    open_tags: list[str] = []  # the closing tag of each list open, outermost first
    for item in items:
        level = max(0, min(item.level, 2))
        tag = "ol" if item.ordered else "ul"
        while len(open_tags) > level + 1:
            out.append(f"</li>{open_tags.pop()}")
        if len(open_tags) == level + 1 and open_tags[-1] != f"</{tag}>":
            out.append(f"</li>{open_tags.pop()}")
        if len(open_tags) == level + 1:
            out.append("</li>")
        while len(open_tags) < level + 1:
            out.append('<ol type="a">' if tag == "ol" else "<ul>")
            open_tags.append(f"</{tag}>")
            if len(open_tags) < level + 1:
                out.append("<li>")
        out.append(f"<li>{runs(item.runs, section)}")
    while open_tags:
        out.append(f"</li>{open_tags.pop()}")
    return out


def _table(block: Table, caption: str) -> list[str]:
    rows = [tuple(text(c) for c in row) for row in block.rows]
    width = max(len(r) for r in rows)
    rows = [(*r, *[Markup("")] * (width - len(r))) for r in rows]
    lines = ["<table>", f"<caption>{text(caption)}</caption>"]
    if block.header:
        head = "".join(f'<th scope="col">{c}</th>' for c in rows[0])
        lines.append(f"<thead><tr>{head}</tr></thead>")
        rows = rows[1:]
    lines.append("<tbody>")
    lines.extend("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return [*lines, "</tbody>", "</table>"]
