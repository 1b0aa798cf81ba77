"""Walking and re-parenting a tagged PDF's structure tree, for the modules that correct it.

One walker (``kids``) for row headers, list labels and links, and the parent tree's two
kinds of entry: a page's marked content (an array indexed by MCID) and an annotation's
element (``/StructParent``). Moving content from one element to another must change both
the elements and the parent tree, or a screen reader asking "what is this text part of"
gets the old answer. Refuses to follow a tree deeper than 100 levels (a malformed file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from pipeline.pdf.update import PdfUpdate

MAX_DEPTH = 100


def resolve(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if isinstance(value, IndirectObject) else value


def role(elem: DictionaryObject) -> str:
    return str(elem.get("/S", ""))


def kid_list(elem: DictionaryObject) -> list[PdfObject]:
    """``/K`` as a list as written (references kept): one kid or an array's."""
    if "/K" not in elem:
        return []
    k = elem.raw_get("/K")
    items = resolve(k)
    return list(items) if isinstance(items, ArrayObject) else [k]


def is_element(value: PdfObject | None) -> bool:
    d = resolve(value)
    return (
        isinstance(d, DictionaryObject)
        and "/S" in d
        and d.get("/Type", "/StructElem") == "/StructElem"
    )


def kids(elem: DictionaryObject) -> Iterator[tuple[PdfObject, DictionaryObject]]:
    """Child structure elements as (reference or direct object, dictionary); content skipped."""
    for item in kid_list(elem):
        d = resolve(item)
        if isinstance(d, DictionaryObject) and is_element(d):
            yield item, d


def tree_root(reader: PdfReader) -> DictionaryObject | None:
    root = reader.trailer["/Root"]
    tree = resolve(root.get("/StructTreeRoot")) if isinstance(root, DictionaryObject) else None
    return tree if isinstance(tree, DictionaryObject) else None


def elements(
    elem: DictionaryObject, depth: int = 0
) -> Iterator[tuple[PdfObject, DictionaryObject]]:
    """Every structure element below ``elem``, depth-first, parents before their kids."""
    if depth > MAX_DEPTH:
        return
    for ref, d in kids(elem):
        yield ref, d
        yield from elements(d, depth + 1)


def _nums_slot(update: PdfUpdate, node: DictionaryObject, key: int) -> tuple[list[Any], int] | None:
    """The parent tree's ``/Nums`` list (made editable in its node) holding ``key``, and the
    index of ``key``'s value in it."""
    if "/Nums" in node:
        listed = node["/Nums"].get_object()
        nums: list[Any] = list(listed) if isinstance(listed, ArrayObject) else []
        for i in range(0, len(nums) - 1, 2):
            if int(nums[i]) == key:
                fresh = ArrayObject(nums)
                node[NameObject("/Nums")] = fresh
                return fresh, i + 1
    for kid in node.get("/Kids", ()):
        limits = kid.get_object().get("/Limits")
        if limits is None or int(limits[0]) <= key <= int(limits[1]):
            found = _nums_slot(update, update.edit(kid), key)
            if found is not None:
                return found
    return None


def _parent_tree(update: PdfUpdate) -> DictionaryObject | None:
    tree = tree_root(update.reader)
    if tree is None or "/ParentTree" not in tree:
        return None
    return update.edit(tree.raw_get("/ParentTree"))


def marked_content(update: PdfUpdate, key: int) -> ArrayObject | None:
    """The parent-tree array of a page's marked content (``/StructParents`` ``key``), indexed
    by MCID, made editable; None if the tree has none."""
    node = _parent_tree(update)
    slot = _nums_slot(update, node, key) if node is not None else None
    if slot is None:
        return None
    nums, i = slot
    found = resolve(nums[i])
    if not isinstance(found, ArrayObject):
        return None
    if isinstance(nums[i], IndirectObject):  # its own object: copied into the edited node
        found = ArrayObject(list(found))
        nums[i] = found
    return found


def set_object_parent(update: PdfUpdate, key: int, element: IndirectObject) -> bool:
    """Point an annotation's parent-tree entry (its ``/StructParent`` ``key``) at ``element``."""
    node = _parent_tree(update)
    slot = _nums_slot(update, node, key) if node is not None else None
    if slot is None:
        return False
    nums, i = slot
    nums[i] = element
    return True
