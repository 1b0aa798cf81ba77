"""Tracked changes nobody has accepted yet, counted by who made them.

The reader (:mod:`pipeline.forms.docx_blocks`) reads a form as it would read with every
change accepted: inserted text kept, deleted text dropped. That is what the DRAFT shows;
but changes nobody has accepted must not reach the public, so they are counted here, by
author, for the officer's warning and the register's "Missing before publication".

Counts only; it never changes what is read, and it never reads comments (they, and their
authors, stay out of every output).
"""

from __future__ import annotations

from collections import Counter

from docx.oxml.ns import qn

from pipeline.forms.docx_blocks import in_fallback
from pipeline.forms.docx_package import Element

# Insertions, deletions and moves, as Word counts them in its Reviewing pane. A w:ins or
# w:del inside run or paragraph properties marks an inserted paragraph mark, not text.
_CHANGES = frozenset(qn(t) for t in ("w:ins", "w:del", "w:moveFrom", "w:moveTo"))
_PROPERTIES = frozenset(qn(t) for t in ("w:rPr", "w:pPr"))
UNKNOWN_AUTHOR = "an unknown author"


def tracked_changes(body: Element) -> dict[str, int]:
    """How many unaccepted changes each author made in ``body``, in order of first change."""
    counts: Counter[str] = Counter()
    for el in body.iter(*_CHANGES):
        parent = el.getparent()
        if (parent is not None and parent.tag in _PROPERTIES) or in_fallback(el):
            continue  # a paragraph mark; or a text box's second copy, for old readers
        counts[str(el.get(qn("w:author")) or "").strip() or UNKNOWN_AUTHOR] += 1
    return dict(counts)
