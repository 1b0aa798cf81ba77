"""The checkout's folders, computed once: tests import these instead of counting parents."""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = CHECKOUT / "examples"
TEMPLATES = CHECKOUT / "templates"
DOCS = CHECKOUT / "docs"
SAMPLE_POLICY = EXAMPLES / "personal-budgets-policy.docx"


def poi_corpus_path() -> Path:
    """The Apache POI corpus: ``$POI_CORPUS``, else ``shared/corpus/poi`` beside the checkout
    (or beside a folder holding it, as a git worktree is held)."""
    if os.environ.get("POI_CORPUS"):
        return Path(os.environ["POI_CORPUS"])
    for folder in CHECKOUT.parents:
        if (folder / "shared" / "corpus" / "poi").is_dir():
            return folder / "shared" / "corpus" / "poi"
    return CHECKOUT.parent / "shared" / "corpus" / "poi"
