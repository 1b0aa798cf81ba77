"""Walking and re-parenting a tagged PDF's structure tree, for the modules that correct it.

One walker (``kids``) for row headers, list labels and links, a quick way to the few
elements of one role (``with_roles``), and the parent tree's two
kinds of entry: a page's marked content (an array indexed by MCID) and an annotation's
element (``/StructParent``). Moving content from one element to another must change both
the elements and the parent tree, or a screen reader asking "what is this text part of"
gets the old answer. Refuses to follow a tree deeper than 100 levels (a malformed file).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from pipeline.pdf.update import PdfUpdate, name_bytes

MAX_DEPTH = 100
log = logging.getLogger(__name__)


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


_ROLE_END = rb"(?=[\s/<>\[\]()])"


def with_roles(
    update: PdfUpdate, roles: Iterable[str]
) -> list[tuple[IndirectObject, DictionaryObject]]:
    """The structure elements whose role is one of ``roles``, in file order.

    Found by the role's name in the file's bytes, not by walking the tree: every object of
    a classic-xref file (:class:`PdfUpdate` makes sure of one) is there as written, and
    parsing every element of a long document to find a few costs tens of milliseconds.
    Each one found is read back and kept only if it is a structure element with that role
    (its latest version, if an update changed it) that its parent lists; a role written some
    other way is missed, never guessed.
    """
    wanted = set(roles)
    names = b"|".join(
        re.escape(name_bytes(NameObject("/" + r.lstrip("/")))) for r in sorted(wanted)
    )
    data = update.data
    found: dict[int, tuple[IndirectObject, DictionaryObject]] = {}
    for match in re.finditer(rb"/S\s*(?:%s)%s" % (names, _ROLE_END), data):
        at = data.rfind(b"obj", 0, match.start())
        header = _HEADER.search(data, max(0, at - 24), at + 3) if at >= 0 else None
        if header is None:
            continue
        ref = IndirectObject(int(header[1]), int(header[2]), update.reader)
        if ref.idnum in found:
            continue
        try:
            elem = ref.get_object()
        except Exception as exc:  # noqa: BLE001 - pypdf raises anything on a broken object
            # an object the cross-reference table does not know, or cannot parse: not ours
            log.debug("object %d not read while looking for %s: %r", ref.idnum, wanted, exc)
            continue
        if (
            isinstance(elem, DictionaryObject)
            and is_element(elem)
            and role(elem) in wanted
            and _attached(ref, elem)
        ):
            found[ref.idnum] = (ref, elem)
    return list(found.values())


def _attached(ref: IndirectObject, elem: DictionaryObject) -> bool:
    """True if ``elem``'s parent lists it among its kids: an element an update took out of
    the tree (a Link folded into the one before it) is still in the file, but not ours."""
    parent = resolve(elem.get("/P")) if "/P" in elem else None
    if not isinstance(parent, DictionaryObject):
        return False
    return any(isinstance(k, IndirectObject) and k.idnum == ref.idnum for k in kid_list(parent))


_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj$")


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


def parent_tree_value(reader: PdfReader, key: int) -> PdfObject | None:
    """What the parent tree holds for ``key``, read only (nothing marked as changed)."""
    tree = tree_root(reader)
    node = resolve(tree.get("/ParentTree")) if tree is not None else None
    for _ in range(MAX_DEPTH):
        if not isinstance(node, DictionaryObject):
            return None
        nums = resolve(node.get("/Nums"))
        if isinstance(nums, ArrayObject):
            for i in range(0, len(nums) - 1, 2):
                if int(nums[i]) == key:
                    return resolve(nums[i + 1])
        below = None
        for kid in node.get("/Kids", ()):
            limits = resolve(kid)
            limits = limits.get("/Limits") if isinstance(limits, DictionaryObject) else None
            if limits is None or int(limits[0]) <= key <= int(limits[1]):
                below = resolve(kid)
                break
        node = below
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
