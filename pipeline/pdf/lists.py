"""List labels and clause numbers apart from their text, as PDF/UA-1 asks (``Lbl``).

What LibreOffice 7.4 writes (read back from the sample policy's PDF): a Word list becomes
``L > LI > LBody > P``, with the label ("a)", "–") as the paragraph's *first marked
content*, inside ``LBody``: there is no ``Lbl``, so a screen reader reads "a)Your" as one
run of text. Real Word numbering does not help: that *is* what LibreOffice does with it.
A numbered clause ("1.1" typed by ``assemble/blocks.py``, then a tab) is a plain ``P``
(role-mapped from the "Numbered Paragraph" style) whose first marked content is the number.

So the finished PDF is corrected here, in the incremental update:

- each list item becomes ``LI > [Lbl (the label), LBody > P (the text)]``;
- each run of numbered clauses becomes a list, ``L > LI > [Lbl "1.1", LBody > P]``, with
  ``/ListNumbering /Decimal``: clauses are an ordered list, and in PDF 1.7 ``Lbl`` belongs
  in a list item.

The parent tree is changed with the elements, so the label's marked content says it belongs
to the ``Lbl``. Refuses to guess: a label is moved only when the element's first marked
content is one short run of text on its own (at most 12 glyphs, one text-showing operator)
and the parent tree agrees that it belongs to that element; anything else is left as is.
"""

from __future__ import annotations

import re

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from pipeline.pdf.tree import (
    kid_list,
    kids,
    marked_content,
    parent_tree_value,
    resolve,
    role,
    with_roles,
)
from pipeline.pdf.update import PdfUpdate

CLAUSE_ROLES = frozenset({"/Numbered Paragraph"})  # assemble/blocks.py: NUMBERED_STYLE
MAX_LABEL_GLYPHS = 12
_SHOWS = re.compile(rb"\bT[Jj]\b")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_LITERAL = re.compile(rb"\(((?:[^()\\]|\\.)*)\)", re.S)


def _element(role_name: str, parent: PdfObject, **entries: PdfObject) -> DictionaryObject:
    elem = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject(role_name),
            NameObject("/P"): parent,
        }
    )
    for key, value in entries.items():
        elem[NameObject(f"/{key}")] = value
    return elem


class _Content:
    """Pages' content streams, decoded once each, to look at one marked-content sequence."""

    def __init__(self) -> None:
        self._pages: dict[int, bytes] = {}

    def _data(self, page_ref: IndirectObject) -> bytes:
        if page_ref.idnum not in self._pages:
            page = resolve(page_ref)
            contents = (
                resolve(page.get("/Contents")) if isinstance(page, DictionaryObject) else None
            )
            streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
            self._pages[page_ref.idnum] = b"\n".join(
                s.get_data() for s in map(resolve, streams) if isinstance(s, StreamObject)
            )
        return self._pages[page_ref.idnum]

    def is_label(self, page_ref: IndirectObject, mcid: int) -> bool:
        """True if marked content ``mcid`` is one short piece of text, as a label is."""
        found = re.search(rb"/MCID\s+%d\s*>>\s*BDC(.*?)EMC" % mcid, self._data(page_ref), re.S)
        if found is None:
            return False
        segment = found.group(1)
        if len(_SHOWS.findall(segment)) != 1:
            return False
        hex_bytes = sum(len(re.sub(rb"\s", b"", h)) // 2 for h in _HEX.findall(segment))
        literal = sum(len(t) for t in _LITERAL.findall(segment))
        return 0 < hex_bytes + literal <= MAX_LABEL_GLYPHS * 2  # two-byte codes at most


class _Labeller:
    def __init__(self, update: PdfUpdate) -> None:
        self.update = update
        self.content = _Content()

    def label_of(self, owner_ref: PdfObject, owner: DictionaryObject) -> tuple[int, PdfObject]:
        """(MCID, page) of ``owner``'s label: its first marked content, if it is one; else
        raises LookupError."""
        items = kid_list(owner)
        if not isinstance(owner_ref, IndirectObject) or len(items) < 2:
            raise LookupError
        first = resolve(items[0])
        page = owner.raw_get("/Pg") if "/Pg" in owner else None
        if isinstance(first, DictionaryObject) and first.get("/Type") == "/MCR":
            page = first.raw_get("/Pg") if "/Pg" in first else page
            first = first.get("/MCID")
        if not isinstance(first, int) or not isinstance(page, IndirectObject):
            raise LookupError
        holder = resolve(page)
        key = holder.get("/StructParents") if isinstance(holder, DictionaryObject) else None
        marked = parent_tree_value(self.update.reader, key) if isinstance(key, int) else None
        if not isinstance(marked, ArrayObject) or first >= len(marked):
            raise LookupError
        belongs = marked[first]
        if not isinstance(belongs, IndirectObject) or belongs.idnum != owner_ref.idnum:
            raise LookupError
        if not self.content.is_label(page, first):
            raise LookupError
        return first, page

    def _marked(self, page_ref: IndirectObject) -> ArrayObject | None:
        page = resolve(page_ref)
        key = page.get("/StructParents") if isinstance(page, DictionaryObject) else None
        return marked_content(self.update, int(key)) if isinstance(key, int) else None

    def move_label(
        self, owner_ref: IndirectObject, found: tuple[int, PdfObject], item: IndirectObject
    ) -> IndirectObject:
        """A new ``Lbl`` in list item ``item`` holding ``owner``'s first marked content."""
        mcid, page = found
        label = self.update.add(_element("/Lbl", item, Pg=page, K=NumberObject(mcid)))
        marked = self._marked(page)  # type: ignore[arg-type]
        assert marked is not None  # label_of found it
        marked[mcid] = label
        owner = self.update.edit(owner_ref)
        owner[NameObject("/K")] = ArrayObject(kid_list(owner)[1:])
        return label


def label_list_items(update: PdfUpdate) -> int:
    """``LI > LBody > P`` with the label inside the P becomes ``LI > [Lbl, LBody > P]``;
    the number of items changed."""
    labeller = _Labeller(update)
    changed = 0
    for item_ref, item in with_roles(update, ["/LI"]):
        inner = list(kids(item))
        if len(kid_list(item)) != 1 or not inner:
            continue
        body_ref, body = inner[0]
        paragraphs = list(kids(body))
        if role(body) != "/LBody" or len(kid_list(body)) != 1 or len(paragraphs) != 1:
            continue
        owner_ref, owner = paragraphs[0]
        if not isinstance(owner_ref, IndirectObject):
            continue
        try:
            found = labeller.label_of(owner_ref, owner)
        except LookupError:
            continue
        label = labeller.move_label(owner_ref, found, item_ref)
        update.edit(item_ref)[NameObject("/K")] = ArrayObject([label, body_ref])
        changed += 1
    return changed


def clauses_as_lists(update: PdfUpdate, roles: frozenset[str] = CLAUSE_ROLES) -> int:
    """Each run of numbered clauses becomes ``L > LI > [Lbl, LBody > P]``; the number of
    clauses changed."""
    labeller = _Labeller(update)
    parents: dict[int, tuple[IndirectObject, DictionaryObject]] = {}
    for _, clause in with_roles(update, roles):
        ref = clause.raw_get("/P") if "/P" in clause else None
        parent = resolve(ref)
        # a clause already in a list item (a PDF finished twice) stays where it is
        if (
            isinstance(ref, IndirectObject)
            and isinstance(parent, DictionaryObject)
            and role(parent) != "/LBody"
        ):
            parents.setdefault(ref.idnum, (ref, parent))
    changed = 0
    for parent_ref, parent in parents.values():
        before = changed
        out: list[PdfObject] = []
        run: list[tuple[IndirectObject, tuple[int, PdfObject]]] = []
        for item in [*kid_list(parent), None]:
            d = resolve(item) if item is not None else None
            if (
                isinstance(item, IndirectObject)
                and isinstance(d, DictionaryObject)
                and role(d) in roles
            ):
                try:
                    run.append((item, labeller.label_of(item, d)))
                    continue
                except LookupError:
                    pass
            if run:
                out.append(_clause_list(update, labeller, parent_ref, run))
                changed += len(run)
                run = []
            if item is not None:
                out.append(item)
        if changed > before:
            update.edit(parent_ref)[NameObject("/K")] = ArrayObject(out)
    return changed


def _clause_list(
    update: PdfUpdate,
    labeller: _Labeller,
    parent_ref: IndirectObject,
    run: list[tuple[IndirectObject, tuple[int, PdfObject]]],
) -> IndirectObject:
    numbering = DictionaryObject(
        {
            NameObject("/O"): NameObject("/List"),
            NameObject("/ListNumbering"): NameObject("/Decimal"),
        }
    )
    listed = _element("/L", parent_ref, A=numbering)
    list_ref = update.add(listed)
    entries: list[PdfObject] = []
    for clause_ref, found in run:
        item = _element("/LI", list_ref)
        item_ref = update.add(item)
        body_ref = update.add(_element("/LBody", item_ref, K=ArrayObject([clause_ref])))
        label = labeller.move_label(clause_ref, found, item_ref)
        update.edit(clause_ref)[NameObject("/P")] = body_ref
        item[NameObject("/K")] = ArrayObject([label, body_ref])
        entries.append(item_ref)
    listed[NameObject("/K")] = ArrayObject(entries)
    return list_ref
