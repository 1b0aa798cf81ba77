"""The new version of a policy as a Word document with real tracked changes.

A reviewer opens it in Word and sees the comparison in the Reviewing pane: every inserted
stretch a ``w:ins``, every deleted one a ``w:del`` (its words in ``w:delText``), authored
"Policy pipeline" and dated, so Accept and Reject work; a paragraph added or removed whole
has its paragraph mark tracked too, so rejecting it leaves no empty paragraph. A moved
paragraph is tracked as deleted where it was and inserted where it is. Unchanged text is
plain. It writes the comparison as it is; it never decides what changed (see ``diff``).
Written as WordprocessingML text into python-docx's default template (``blank``), not
with python-docx objects: see ``blank`` for why and the figures.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline import atomic
from pipeline.compare.blank import blank, paragraph
from pipeline.compare.diff import Change, Comparison, Op
from pipeline.wordml import escape, run, t

AUTHOR = "Policy pipeline"
STYLES = {
    "paragraph": "Normal",
    "heading": "Heading 2",
    "bullet": "List Bullet",
    "number": "List Number",
    "row": "Normal",
}


class _Marks:
    """Tracked-change elements with unique ids, one author and one date."""

    def __init__(self, when: datetime) -> None:
        self.when = when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1

    def mark(self, op: Op, content: str = "") -> str:
        """A ``w:ins`` or ``w:del`` around ``content`` (empty: a paragraph mark's)."""
        tag = "w:ins" if op == "insert" else "w:del"
        attributes = f'w:id="{self.next_id}" w:author="{escape(AUTHOR)}" w:date="{self.when}"'
        self.next_id += 1
        return f"<{tag} {attributes}>{content}</{tag}>" if content else f"<{tag} {attributes}/>"


def _stretch(op: Op, text: str, marks: _Marks) -> str:
    if not text:
        return ""
    if op == "equal":
        return f"<w:r>{t(text, preserve=True)}</w:r>"
    deleted = op == "delete"
    inner = f"<w:r>{t(text, 'w:delText' if deleted else 'w:t', preserve=True)}</w:r>"
    return marks.mark(op, inner)


def _change(change: Change, marks: _Marks) -> str:
    """One change's paragraph; a paragraph added or removed whole has its mark tracked."""
    whole: Op | None = None
    stretches: tuple[tuple[Op, str], ...]
    if change.kind in ("added", "moved_to") and change.new is not None:
        item, whole, stretches = change.new, "insert", (("insert", change.new.text),)
    elif change.kind in ("removed", "moved_from") and change.old is not None:
        item, whole, stretches = change.old, "delete", (("delete", change.old.text),)
    elif change.new is not None:
        item, stretches = change.new, change.words or (("equal", change.new.text),)
    else:
        return ""
    mark = marks.mark(whole) if whole is not None else ""
    content = "".join(_stretch(op, text, marks) for op, text in stretches)
    return paragraph(content, STYLES[item.style], mark)


def tracked_docx(comparison: Comparison, title: str, when: datetime) -> bytes:
    """The comparison as a .docx with Word tracked changes, as bytes."""
    marks = _Marks(when)
    body = [
        paragraph(run(f"{title}, version {comparison.new_version}"), "Title"),
        paragraph(
            run(
                comparison.summary_line()
                + " The changes are tracked: use Review, Accept or Reject."
            )
        ),
    ]
    for section in comparison.sections:
        op: Op = {"added": "insert", "removed": "delete"}.get(section.status, "equal")  # type: ignore[assignment]
        body.append(paragraph(_stretch(op, section.heading, marks), "Heading 1"))
        body.extend(_change(change, marks) for change in section.changes)
    return blank().document(
        body, f"{title}: changes since version {comparison.old_version}", AUTHOR, ""
    )


def write_tracked(comparison: Comparison, title: str, when: datetime, path: Path) -> Path:
    """Write :func:`tracked_docx` to ``path`` durably (:mod:`pipeline.atomic`)."""
    atomic.write_bytes(path, tracked_docx(comparison, title, when))
    return path
