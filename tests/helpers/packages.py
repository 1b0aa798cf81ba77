"""A zip package's parts (a .docx or .xlsx), read whole and written back, for tests that
compare packages or damage one on purpose. The one copy: tests used to keep four."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path


def package_parts(source: Path | bytes) -> dict[str, bytes]:
    """Every part of the package at ``source`` (a path, or the file's bytes), by name."""
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as package:
        return {name: package.read(name) for name in package.namelist()}


def package_bytes(
    parts: Mapping[str, bytes], target: Path | None = None, method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A package holding ``parts`` in their order; written to ``target`` too, if given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    if target is not None:
        target.write_bytes(out.getvalue())
    return out.getvalue()
