"""A PDF's structure tree read back as a screen reader walks it: each element and its text.

Independent of ``pipeline.pdf``: it walks the tree with pypdf alone and takes each marked
content's text from pypdf's own text extraction, so a test checks what was written, not
what the product meant to write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


@dataclass
class Tag:
    """One structure element: its role, its own text (marked content directly in it), its
    annotations and its child elements."""

    role: str
    ref: int | None
    text: str = ""
    annotations: list[DictionaryObject] = field(default_factory=list)
    kids: list[Tag] = field(default_factory=list)

    def walk(self) -> list[Tag]:
        return [self, *(t for k in self.kids for t in k.walk())]

    @property
    def all_text(self) -> str:
        return self.text + "".join(k.all_text for k in self.kids)


def _page_texts(reader: PdfReader) -> dict[int, dict[int, str]]:
    """Each page's text by marked-content id, as pypdf extracts it."""
    texts: dict[int, dict[int, str]] = {}
    for page in reader.pages:
        out: dict[int, str] = {}
        stack: list[int | None] = []

        def before(op: bytes, args: Any, cm: Any, tm: Any, stack: list[int | None] = stack) -> None:
            if op == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if isinstance(props, DictionaryObject) else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(
            t: str, cm: Any, tm: Any, fd: Any, fs: Any, stack: list[int | None] = stack,
            out: dict[int, str] = out,
        ) -> None:  # fmt: skip
            current = next((m for m in reversed(stack) if m is not None), None)
            if current is not None:
                out[current] = out.get(current, "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        assert page.indirect_reference is not None
        texts[page.indirect_reference.idnum] = out
    return texts


def structure(path: Path) -> Tag:
    """The document's structure tree from its root, every element with its text."""
    reader = PdfReader(path)
    texts = _page_texts(reader)
    root = Tag("StructTreeRoot", None)

    def add(node: Any, into: Tag, page: int | None, depth: int = 0) -> None:
        assert depth < 200, "the structure tree is too deep"
        ref = node.idnum if isinstance(node, IndirectObject) else None
        value = node.get_object() if node is not None else None
        if isinstance(value, ArrayObject):
            for item in value:
                add(item, into, page, depth)
        elif isinstance(value, int):
            into.text += texts.get(page or -1, {}).get(value, "")
        elif isinstance(value, DictionaryObject) and value.get("/Type") == "/MCR":
            on = value.raw_get("/Pg").idnum if "/Pg" in value else page
            into.text += texts.get(on or -1, {}).get(int(value["/MCID"]), "")
        elif isinstance(value, DictionaryObject) and value.get("/Type") == "/OBJR":
            into.annotations.append(value["/Obj"].get_object())
        elif isinstance(value, DictionaryObject) and "/S" in value:
            tag = Tag(str(value["/S"])[1:], ref)
            into.kids.append(tag)
            on = value.raw_get("/Pg").idnum if "/Pg" in value else page
            if "/K" in value:
                add(value.raw_get("/K"), tag, on, depth + 1)

    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    add(tree.raw_get("/K"), root, None)
    return root


def parent_tree(path: Path) -> dict[int, int | list[int | None]]:
    """The parent tree flattened: key -> the element's object number (an annotation's key)
    or, for a page's key, the object number of each marked content's element by MCID."""
    tree = PdfReader(path).trailer["/Root"]["/StructTreeRoot"]
    found: dict[int, int | list[int | None]] = {}

    def number(value: Any) -> int | None:
        return value.idnum if isinstance(value, IndirectObject) else None

    def read(node: Any) -> None:
        node = node.get_object()
        nums = node.get("/Nums")
        if nums is not None:
            nums = nums.get_object()
            for i in range(0, len(nums) - 1, 2):
                value = nums[i + 1]
                listed = value.get_object()
                found[int(nums[i])] = (
                    [number(v) for v in listed]
                    if isinstance(listed, ArrayObject)
                    else number(value) or -1
                )
        for kid in node.get("/Kids", ()):
            read(kid)

    read(tree["/ParentTree"])
    return found
