"""How LibreOffice is run, as ``pipeline.toml``'s ``[converter]`` section says.

Apart from the converters so that the workspace can read its settings without importing
them (and LibreOffice's helpers with them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ConverterSettings:
    """How to run LibreOffice; the defaults suit a 2-core council laptop."""

    mode: Literal["warm", "oneshot"] = "warm"
    workers: int = 2  # warm pool size; each LibreOffice with its own user profile dir
    timeout: float = 120.0  # seconds per document
    soffice: str = "soffice"
    recycle_after: int = 200  # restart a warm LibreOffice after this many conversions
    pdfa: bool = False  # also PDF/A-2b (archive copy)
