"""The text a screen reader is given from a tagged PDF: page text without the artifacts.

Headers, footers, page numbers and the DRAFT stamp are marked content tagged /Artifact:
they repeat on every page and a reader skips them. pypdf's ``extract_text`` gives every
glyph; its visitor callbacks see the marked-content operators, so this keeps the text
drawn outside any /Artifact sequence, in page order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader


def content_text(path: Path) -> str:
    """Every page's text outside /Artifact marked content, pages joined by newlines."""
    return "\n".join(_page_content(page) for page in PdfReader(path).pages)


def _page_content(page: PageObject) -> str:
    parts: list[str] = []
    stack: list[bool] = []  # for each open marked-content sequence: is it an artifact?

    def before(op: bytes, args: Any, *_: Any) -> None:
        if op in (b"BDC", b"BMC"):
            tag = args[0] if args else None
            stack.append(str(tag) == "/Artifact" or (bool(stack) and stack[-1]))
        elif op == b"EMC" and stack:
            stack.pop()

    def text(chars: str, *_: Any) -> None:
        if not (stack and stack[-1]):
            parts.append(chars)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return "".join(parts)
