"""New versions of the sample policy, edited the way an officer edits it in Word.

:func:`published_then_changed` runs version 2 and then an edited version 3 through the
pipeline, so the comparison's documents exist. :func:`policy_version` takes the Personal Budgets Policy form, sets its Version cell and
applies paragraph edits (and a new "What has changed") named by the paragraphs' typed numbers ("8.3"); the numbers are
then typed again in order, as an officer renumbers after adding or removing a paragraph.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document

from pipeline.outcome import BatchResult
from pipeline.run import run_batch
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.paths import EXAMPLES, SAMPLE_POLICY

NUMBERED = re.compile(r"^(\d+)\.(\d+) ")
PUBLISHED_WITH = ("implementation-plan", "consultation-response")


@dataclass(frozen=True)
class Edits:
    reword: dict[str, tuple[str, str]] = field(default_factory=dict)  # number -> (old, new)
    add_after: dict[str, str] = field(default_factory=dict)  # number -> new paragraph's text
    remove: frozenset[str] = frozenset()
    what_changed: str | None = None  # the "What has changed" box: None leaves it as it is


def policy_version(version: str, edits: Edits = Edits()) -> bytes:
    doc = Document(str(SAMPLE_POLICY))
    boxes = {r.cells[0].text: r.cells[1] for t in doc.tables for r in t.rows}
    for label, text in (("Version", version), ("What has changed", edits.what_changed)):
        if text is not None:
            for paragraph in boxes[label].paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
            runs = boxes[label].paragraphs[0].runs
            runs[0].text = text
            for run in runs[1:]:
                run.text = ""
    for paragraph in list(doc.paragraphs):
        found = NUMBERED.match(paragraph.text)
        if not found:
            continue
        number = f"{found[1]}.{found[2]}"
        if number in edits.reword:
            old, new = edits.reword[number]
            assert old in paragraph.text, (number, old)
            text = paragraph.text.replace(old, new)
            paragraph.runs[0].text = text
            for run in paragraph.runs[1:]:
                run.text = ""
        if number in edits.add_after:
            added = copy.deepcopy(paragraph._p)
            paragraph._p.addnext(added)
            new_paragraph = next(p for p in doc.paragraphs if p._p is added)
            new_paragraph.runs[0].text = f"{number} {edits.add_after[number]}"
            for run in new_paragraph.runs[1:]:
                run.text = ""
        if number in edits.remove:
            paragraph._p.getparent().remove(paragraph._p)
    counters: dict[str, int] = {}
    for paragraph in doc.paragraphs:  # typed again in order, as the officer renumbers
        found = NUMBERED.match(paragraph.text)
        if found and paragraph.runs:
            counters[found[1]] = counters.get(found[1], 0) + 1
            renumbered = f"{found[1]}.{counters[found[1]]} "
            text = paragraph.text
            paragraph.runs[0].text = renumbered + text[found.end() :]
            for run in paragraph.runs[1:]:
                run.text = ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def published_then_changed(root: Path, edits: Edits) -> tuple[Workspace, BatchResult]:
    """A workspace in ``root`` where version 2 of the sample policy was published with its
    plan and response, then version 3 (``edits``) replaced it: the second batch's result."""
    ws = init_workspace(root / "ws")
    results = []
    for version, changes in (("2", Edits()), ("3", edits)):
        form = root / f"personal-budgets-policy-v{version}.docx"
        form.write_bytes(policy_version(version, changes))
        # version 2 is published with its plan and response; version 3 replaces it
        others = [EXAMPLES / f"personal-budgets-{n}.docx" for n in PUBLISHED_WITH] * (
            version == "2"
        )
        results.append(run_batch(ws, [form, *others]))
    assert [len(r.accepted) for r in results] == [3, 1], [r.rejected for r in results]
    return ws, results[1]
