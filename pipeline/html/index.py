"""``outbox/publish/index.html``: the public list of what is published, for the web team.

Made from what the outbox publishes (one :class:`Listed` per document), never from the
folder's contents, so a file someone left there is not advertised. Sorted by title. Says
how to ask for another format (the workspace's ``[publish] contact``). Refuses to list a
document whose files are not both there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.html.page import page, text


@dataclass(frozen=True)
class Listed:
    """One published document as the index shows it."""

    title: str
    ref: str
    version: str
    date: str
    next_review: str
    html_name: str
    pdf_name: str
    pdf_bytes: int
    # the comparison with the version before, when it is published with this one
    changes_since: str = ""
    changes_html: str = ""
    changes_pdf: str = ""
    changes_bytes: int = 0


def size_text(size: int) -> str:
    """``2.4 MB``, ``180 KB``: the size people are told before they download a PDF."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def render_index(documents: Iterable[Listed], *, council: str, contact: str) -> str:
    listed = sorted(documents, key=lambda d: (d.title.casefold(), d.ref, d.html_name))
    body = [
        f"<h1>{text(council)}: published adult social care policies</h1>",
        "<p>Each document is published as a web page and as a PDF. The web page works "
        "with screen readers and magnifiers, reflows on a phone and can be searched.</p>",
    ]
    if listed:
        body += [
            "<table>",
            f"<caption>Published documents ({len(listed)}), by title</caption>",
            '<thead><tr><th scope="col">Title</th><th scope="col">Reference</th>'
            '<th scope="col">Version</th><th scope="col">Published</th>'
            '<th scope="col">Next review</th><th scope="col">Read it</th></tr></thead>',
            "<tbody>",
        ]
        for d in listed:
            hidden = f'<span class="visually-hidden">: {text(d.title)}</span>'
            body.append(
                f'<tr><th scope="row">{text(d.title)}</th><td>{text(d.ref)}</td>'
                f"<td>{text(d.version)}</td><td>{text(d.date)}</td>"
                f"<td>{text(d.next_review or 'Not set')}</td>"
                f'<td><a href="{text(d.html_name)}">Web page{hidden}</a><br>'
                f'<a href="{text(d.pdf_name)}">PDF, {size_text(d.pdf_bytes)}{hidden}</a>'
                f"{_changes(d)}</td></tr>"
            )
        body += ["</tbody>", "</table>"]
    else:
        body.append("<p>Nothing is published yet.</p>")
    body += [
        "<h2>Accessibility</h2>",
        f"<p>{text(council)} aims to make these documents accessible to everyone, as the "
        "Public Sector Bodies Accessibility Regulations 2018 ask. The web pages are checked "
        "against WCAG 2.2 level AA and the PDFs against PDF/UA-1 by independent tools before "
        "they are published.</p>",
        "<h2>Request another format</h2>",
        "<p>If you need a document in another format, such as large print, easy read, audio "
        f"or Braille, contact {_contact(contact)}.</p>",
    ]
    return page(f"Published policies – {council}", body, council=council)


def _changes(d: Listed) -> str:
    """Links to what changed since the version before, as a web page and a PDF, or ""."""
    if not d.changes_html:
        return ""
    what = (
        f"Changes since version {text(d.changes_since)}"
        f'<span class="visually-hidden"> of {text(d.title)}</span>'
    )
    return (
        f'<br><a href="{text(d.changes_html)}">{what}: web page</a>'
        f'<br><a href="{text(d.changes_pdf)}">{what}: PDF, {size_text(d.changes_bytes)}</a>'
    )


def _contact(contact: str) -> str:
    """An email address becomes a mailto link with itself as its text; anything else is text."""
    value = contact.strip()
    if "@" in value and " " not in value and "<" not in value:
        return f'<a href="mailto:{text(value)}">{text(value)}</a>'
    return str(text(value))
