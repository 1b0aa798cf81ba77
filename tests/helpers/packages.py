"""A zip package's parts (a .docx or .xlsx), read whole, for tests comparing packages."""

from __future__ import annotations

import zipfile
from pathlib import Path


def package_parts(path: Path) -> dict[str, bytes]:
    """Every part of the package at ``path``, by name."""
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}
