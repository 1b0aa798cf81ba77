"""What PDF/UA-1 asks of the structure that LibreOffice leaves undone, fixed in the update.

Four things, each checked by ``page-validation``'s PDF/UA-1 profile and read back from the
structure tree (tests/pdf); list labels are :mod:`pipeline.pdf.lists`'.

- ``/Tabs``: a page with annotations (links) must say ``/Tabs /S`` (tab in structure
  order). LibreOffice 7.4 writes the *string* ``(S)``, which readers ignore.
- The title: LibreOffice role-maps the Title paragraph style to ``/P``; it is the
  document's first heading, so it is mapped to ``/H1``.
- A DRAFT's tagged line: the watermark is an artifact (screen readers skip it, as they
  should), so a DRAFT also gets a real, tagged "DRAFT" line at the top of its first page,
  first in reading order.
- One link, one Link element: LibreOffice 7.4 tags a link that wraps onto a second line as
  two Link elements side by side (one annotation each), so a screen reader announces two
  links. Adjacent Link elements whose annotations all go to one place are folded into one.

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

from pipeline.pdf.tree import (
    kid_list,
    marked_content,
    resolve,
    role,
    set_object_parent,
    with_roles,
)
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


def _target(link: DictionaryObject) -> str | None:
    """Where a Link element's annotations go, if they all go to one place; else None."""
    targets: set[str] = set()
    for item in kid_list(link):
        d = resolve(item)
        if isinstance(d, DictionaryObject) and d.get("/Type") == "/OBJR":
            annot = resolve(d.get("/Obj"))
            action = resolve(annot.get("/A")) if isinstance(annot, DictionaryObject) else None
            if isinstance(action, DictionaryObject) and "/URI" in action:
                targets.add(f"uri:{action['/URI']}")
            elif isinstance(annot, DictionaryObject) and "/Dest" in annot:
                targets.add(f"dest:{annot['/Dest']}")
            else:
                return None
    return targets.pop() if len(targets) == 1 else None


def _same(a: PdfObject | None, b: PdfObject | None) -> bool:
    return isinstance(a, IndirectObject) and isinstance(b, IndirectObject) and a.idnum == b.idnum


def _absorb(update: PdfUpdate, first_ref: IndirectObject, second: DictionaryObject) -> None:
    """Move the content and annotations of Link ``second`` into Link ``first_ref``, the
    parent tree with them: a marked-content id on another page goes as an MCR with its page."""
    first = update.edit(first_ref)
    first_page = first.raw_get("/Pg") if "/Pg" in first else None
    page = second.raw_get("/Pg") if "/Pg" in second else None
    moved: list[PdfObject] = []
    for item in kid_list(second):
        d = resolve(item)
        mcid, on = (d, page) if isinstance(d, int) else (None, page)
        if isinstance(d, DictionaryObject) and d.get("/Type") == "/MCR":
            mcid, on = d.get("/MCID"), d.raw_get("/Pg") if "/Pg" in d else page
        if isinstance(mcid, int):
            holder = resolve(on)
            key = holder.get("/StructParents") if isinstance(holder, DictionaryObject) else None
            marked = marked_content(update, int(key)) if isinstance(key, int) else None
            if marked is not None and mcid < len(marked):
                marked[mcid] = first_ref
            if not _same(on, first_page):
                item = DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/MCR"),
                        NameObject("/Pg"): on,
                        NameObject("/MCID"): NumberObject(mcid),
                    }
                )
        elif isinstance(d, DictionaryObject) and d.get("/Type") == "/OBJR":
            annot = resolve(d.get("/Obj"))
            key = annot.get("/StructParent") if isinstance(annot, DictionaryObject) else None
            if isinstance(key, int):
                set_object_parent(update, key, first_ref)
            if "/Pg" not in d and not _same(page, first_page) and page is not None:
                item = DictionaryObject({**d, NameObject("/Pg"): page})
        moved.append(item)
    first[NameObject("/K")] = ArrayObject([*kid_list(first), *moved])


def join_links(update: PdfUpdate) -> int:
    """One Link element per link: LibreOffice makes a link that wraps onto a second line
    two Link elements side by side, each with one annotation; the second is folded into the
    first, which then holds both annotations (ISO 32000-1, 14.8.4.4.2: a Link element may
    hold several link annotations). The number of Link elements folded away."""
    parents: dict[int, tuple[IndirectObject, DictionaryObject]] = {}
    for _, link in with_roles(update, ["/Link"]):
        ref = link.raw_get("/P") if "/P" in link else None
        parent = resolve(ref)
        if isinstance(ref, IndirectObject) and isinstance(parent, DictionaryObject):
            parents.setdefault(ref.idnum, (ref, parent))
    joined = 0
    for parent_ref, parent in parents.values():
        out: list[PdfObject] = []
        last: tuple[IndirectObject, str] | None = None
        before = joined
        for item in kid_list(parent):
            d = resolve(item)
            target = (
                _target(d)
                if isinstance(item, IndirectObject)
                and isinstance(d, DictionaryObject)
                and role(d) == "/Link"
                else None
            )
            if target is not None and last is not None and last[1] == target:
                _absorb(update, last[0], d)  # type: ignore[arg-type]
                joined += 1
                continue
            out.append(item)
            last = (item, target) if target is not None else None  # type: ignore[assignment]
        if joined > before:
            update.edit(parent_ref)[NameObject("/K")] = ArrayObject(out)
    return joined
