"""List labels and clause numbers are ``Lbl`` elements apart from their text (PDF/UA-1).

Read back from the real PDFs the sample forms produce (LibreOffice, then the pipeline's
finishing), with pypdf alone (``tests/helpers/tags.py``). The PDF/UA-1 profile itself is
``test_structure.py``'s; this checks what a screen reader is told a label is.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.pdf.finish import PdfMetadata, finalize_pdf
from tests.helpers.soffice import libreoffice
from tests.helpers.tags import Tag, parent_tree, structure

pytestmark = [pytest.mark.requires_libreoffice, pytest.mark.slow]

LABEL = re.compile(r"^(?:[a-z]\)|[ivx]+\)|\d+\.\d+|\d+\.|[–•\-])$")
TAGGED = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def items(tag: Tag) -> list[Tag]:
    return [t for t in tag.walk() if t.role == "LI"]


def test_every_list_item_is_a_label_and_a_body(sample_outbox: Path) -> None:
    checked = 0
    for pdf in sorted(sample_outbox.rglob("*.pdf")):
        for item in items(structure(pdf)):
            assert [k.role for k in item.kids] == ["Lbl", "LBody"], pdf.name
            label, body = (k.all_text.strip() for k in item.kids)
            assert LABEL.match(label), (pdf.name, label)
            assert body and not body.startswith(label), (pdf.name, body[:40])
            checked += 1
    assert checked >= 30  # the samples' lettered and bulleted items and numbered clauses


def test_numbered_clauses_are_a_list_with_their_numbers_as_labels(sample_outbox: Path) -> None:
    pdf = sample_outbox / "publish" / "asc-pol-003-personal-budgets-policy.pdf"
    tree = structure(pdf)
    clauses = [t for t in tree.walk() if t.role == "Numbered Paragraph"]
    assert len(clauses) >= 15
    parents = {id(k): t for t in tree.walk() for k in t.kids}
    assert all(parents[id(c)].role == "LBody" for c in clauses)
    labels = [i.kids[0].all_text.strip() for i in items(tree)]
    assert labels[:5] == ["1.1", "1.2", "2.1", "2.2", "3.1"]
    assert "a)" in labels
    # the parent tree says each label's marked content belongs to its Lbl, once
    owners = [o for v in parent_tree(pdf).values() if isinstance(v, list) for o in v]
    for label in (t for t in tree.walk() if t.role == "Lbl"):
        assert owners.count(label.ref) == 1


def test_libreoffice_alone_leaves_labels_in_the_text_and_finishing_parts_them(
    sample_outbox: Path, tmp_path: Path
) -> None:
    """What LibreOffice 7.4 does with the template's real Word numbering: no ``Lbl``; the
    label is the first text of the item's body. Finishing is what makes the ``Lbl``."""
    docx = shutil.copy(sample_outbox / "ASC-POL-003" / "3" / "policy.docx", tmp_path / "p.docx")
    pdf = libreoffice(Path(docx), TAGGED, tmp_path / "out")
    raw = structure(pdf)
    assert items(raw) and all([k.role for k in i.kids] == ["LBody"] for i in items(raw))
    first = items(raw)[0].all_text.strip()
    assert first.startswith("a)") and len(first) > 10  # "a) Your personal budget ..."
    assert not any(t.role == "Lbl" for t in raw.walk())
    finalize_pdf(pdf, PdfMetadata("Personal Budgets Policy", "Policy", "Devon", "k"))
    finished = structure(pdf)
    assert all([k.role for k in i.kids] == ["Lbl", "LBody"] for i in items(finished))
    assert len(items(finished)) > len(items(raw))  # the clauses joined the lists
    finalize_pdf(pdf, PdfMetadata("Personal Budgets Policy", "Policy", "Devon", "k"))
    again = structure(pdf)  # finished twice: nothing moves again
    assert [(t.role, t.text) for t in again.walk()] == [(t.role, t.text) for t in finished.walk()]
