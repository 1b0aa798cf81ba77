"""Finding elements by their role's name in the file finds what walking the whole tree finds.

``with_roles`` is a shortcut (it reads the file's bytes instead of parsing every element);
checked here against a full walk of the real sample PDFs' trees (``tests/helpers/tags.py``),
for the roles the finishing looks for and for every other role LibreOffice writes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.pdf.tree import with_roles
from pipeline.pdf.update import PdfUpdate
from tests.helpers.tags import structure

pytestmark = [pytest.mark.requires_libreoffice, pytest.mark.slow]


def test_with_roles_finds_every_element_a_full_walk_finds(sample_outbox: Path) -> None:
    checked = Counter[str]()
    for pdf in sorted(sample_outbox.rglob("*.pdf")):
        walked = Counter(t.role for t in structure(pdf).walk() if t.ref is not None)
        update = PdfUpdate(pdf)
        for role, count in walked.items():
            found = with_roles(update, [f"/{role}"])
            assert len(found) == count, (pdf.name, role)
            assert {str(e["/S"]) for _, e in found} == {f"/{role}"}
            checked[role] += count
    for role in ("LI", "Link", "Numbered Paragraph", "Policy Details Label", "Lbl"):
        assert checked[role] > 0, role
