"""What PDF/UA-1 asks of the structure that LibreOffice leaves undone, fixed in the update.

Three things, each checked by ``page-validation``'s PDF/UA-1 profile and read back from the
structure tree (tests/pdf); list labels are :mod:`pipeline.pdf.lists`'.

- ``/Tabs``: a page with annotations (links) must say ``/Tabs /S`` (tab in structure
  order). LibreOffice 7.4 writes the *string* ``(S)``, which readers ignore.
- The title: LibreOffice role-maps the Title paragraph style to ``/P``; it is the
  document's first heading, so it is mapped to ``/H1``.
- A DRAFT's tagged line: the watermark is an artifact (screen readers skip it, as they
  should), so a DRAFT also gets a real, tagged "DRAFT" line at the top of its first page,
  first in reading order.

Refuses to guess: a structure tree it does not recognise is left as it is.
"""

from __future__ import annotations

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from pipeline.pdf.tree import marked_content
from pipeline.pdf.update import PdfUpdate

_S = NameObject("/S")


def _needs_tabs(page: PageObject) -> bool:
    tabs = page.get("/Tabs")
    return "/Annots" in page and not (isinstance(tabs, NameObject) and tabs == "/S")


def fix_tabs(update: PdfUpdate, pages: list[PageObject] | None = None) -> None:
    """``/Tabs /S`` (a name) on every page with annotations; ``pages`` if already edited."""
    if pages is None:
        if not any(_needs_tabs(p) for p in update.reader.pages):
            return
        pages = update.edit_pages()
    for page in pages:
        if _needs_tabs(page):
            page[NameObject("/Tabs")] = _S


def _tree_root(update: PdfUpdate) -> DictionaryObject | None:
    ref = update.root.raw_get("/StructTreeRoot") if "/StructTreeRoot" in update.root else None
    return update.edit(ref) if ref is not None else None


def title_as_heading(update: PdfUpdate) -> None:
    """Map the Title paragraph style's role to ``/H1`` (LibreOffice maps it to ``/P``)."""
    tree = _tree_root(update)
    if tree is None:
        return
    roles = update.edit_entry(tree, "/RoleMap")
    if roles.get("/Title") in (None, "/P"):
        roles[NameObject("/Title")] = NameObject("/H1")


def tag_first_line(update: PdfUpdate, page: PageObject, content: bytes) -> bool:
    """Append ``content`` (holding ``%MCID%`` where its marked-content id goes) to ``page``
    as a ``/P`` element first in the document's reading order; False if it cannot be tagged."""
    tree = _tree_root(update)
    page_ref = page.indirect_reference
    if tree is None or page_ref is None or "/StructParents" not in page:
        return False
    document_ref = tree.raw_get("/K")
    top = document_ref.get_object() if document_ref is not None else None
    if isinstance(top, ArrayObject) and len(top) == 1:  # LibreOffice: [the Document element]
        document_ref = top[0]
    document = document_ref.get_object() if document_ref is not None else None
    if not isinstance(document_ref, IndirectObject) or not isinstance(document, DictionaryObject):
        return False
    key = page["/StructParents"]
    if not isinstance(key, int):
        return False
    marked = marked_content(update, key)
    if marked is None:
        return False
    mcid = len(marked)
    element = update.add(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/P"),
                NameObject("/P"): document_ref,
                NameObject("/Pg"): page_ref,
                NameObject("/K"): NumberObject(mcid),
            }
        )
    )
    marked.append(element)
    document = update.edit(document_ref)
    kids = document.get("/K")
    kids = kids.get_object() if kids is not None else None
    listed: list[PdfObject] = (
        list(kids)
        if isinstance(kids, ArrayObject)
        else [document.raw_get("/K")]
        if kids is not None
        else []
    )
    document[NameObject("/K")] = ArrayObject([element, *listed])
    stream = content.replace(b"%MCID%", str(mcid).encode("ascii"))
    old = page.raw_get("/Contents") if "/Contents" in page else None
    old_obj = old.get_object() if old is not None else None
    parts: list[PdfObject] = (
        list(old_obj) if isinstance(old_obj, ArrayObject) else [old] if old is not None else []
    )
    page[NameObject("/Contents")] = ArrayObject([*parts, update.add_stream(stream)])
    return True
