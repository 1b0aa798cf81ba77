"""A tagged PDF's structure tree read back with pypdf, element by element.

One walker for the tests that look for /Figure, /TH or /Table elements in the PDFs the
pipeline writes (the product's own tree handling is pipeline.pdf's, and is what they test).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader


def structure_elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every element of a structure (sub)tree under ``node``, depth first."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for kid in node:
            yield from structure_elements(kid)
    elif isinstance(node, dict):
        yield node
        if "/K" in node:
            yield from structure_elements(node["/K"])


def elements(reader: PdfReader, role: str | None = None) -> list[dict[str, Any]]:
    """The document's structure elements, only those of ``role`` ("/Figure") if given."""
    tree = structure_elements(reader.trailer["/Root"]["/StructTreeRoot"])
    return [e for e in tree if role is None or e.get("/S") == role]
