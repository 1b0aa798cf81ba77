"""The comparison for people reading a PDF or listening to it with a screen reader.

Word's tracked changes are shown by colour alone when a document becomes a PDF, and a
screen reader announces none of them. Here every change is marked three ways: by words
read aloud ("[inserted: ...]", "[deleted: ...]", "[paragraph added]"), by underline or
strike-through, and by colour; a legend and the summary come first. The document is
plain Word in real heading styles, converted to a tagged PDF like the others. It never
decides what changed (see ``diff``). Written as text like ``tracked`` (see ``blank``).
"""

from __future__ import annotations

from pathlib import Path

from pipeline import atomic
from pipeline.compare.blank import blank, paragraph
from pipeline.compare.diff import Change, Comparison, Op
from pipeline.compare.tracked import STYLES
from pipeline.wordml import run

INSERTED, DELETED = "005A2B", "A00000"  # 7:1 on white
LOOKS = {  # a run's properties, in the order WordprocessingML puts them
    "insert": f'<w:color w:val="{INSERTED}"/><w:u w:val="single"/>',
    "delete": f'<w:strike/><w:color w:val="{DELETED}"/>',
}
BOLD = "<w:b/>"
LEGEND = (
    "How changes are shown: inserted words are underlined and read as \u201c[inserted: "
    "\u2026]\u201d; deleted words are struck through and read as \u201c[deleted: \u2026]\u201d. "
    "A paragraph added, removed or moved whole begins with \u201c[paragraph added]\u201d, "
    "\u201c[paragraph removed]\u201d or \u201c[paragraph moved here]\u201d."
)
PARAGRAPH_LABEL = {
    "added": ("[paragraph added] ", "insert"),
    "moved_to": ("[paragraph moved here] ", "insert"),
    "removed": ("[paragraph removed] ", "delete"),
    "moved_from": ("[paragraph moved from here] ", "delete"),
}


def _marked(op: Op, text: str) -> str:
    if op == "equal":
        return run(text)
    label = "inserted" if op == "insert" else "deleted"
    words = f"[{label}: {text.strip()}]"
    if text != text.lstrip():
        words = " " + words
    if text != text.rstrip():
        words += " "
    return run(words, LOOKS[op])


def _change(change: Change) -> str:
    item = change.new if change.new is not None else change.old
    assert item is not None
    style = STYLES[item.style]
    if change.kind in PARAGRAPH_LABEL:
        label, op = PARAGRAPH_LABEL[change.kind]
        return paragraph(run(label, BOLD) + _marked(op, item.text), style)  # type: ignore[arg-type]
    runs: list[str] = []
    last: Op = "equal"
    for op_, text in change.words or (("equal", item.text),):
        if text:
            if op_ != "equal" and last != "equal":
                runs.append(run(" "))  # "[deleted: a] [inserted: b]": two things, read as two
            runs.append(_marked(op_, text))
            last = op_
    return paragraph("".join(runs), style)


def readable_docx(comparison: Comparison, title: str) -> bytes:
    """The comparison with its changes in words, a summary and a legend first, as bytes."""
    heading = (
        f"{title}: changes in version {comparison.new_version} since version "
        f"{comparison.old_version}"
    )
    body = [paragraph(run(heading), "Title"), paragraph(run("Summary"), "Heading 1")]
    for name, count in comparison.summary.items():
        body.append(paragraph(run(f"{name.capitalize()}: {count}"), "List Bullet"))
    body.append(paragraph(run(LEGEND)))
    for section in comparison.sections:
        note = {"added": " [section added]", "removed": " [section removed]"}
        text = section.heading + note.get(section.status, "")
        body.append(paragraph(run(text) if text else "", "Heading 1"))
        if section.status == "same":
            body.append(paragraph(run("No changes in this section.")))
            continue
        body.extend(_change(change) for change in section.changes)
    title_property = f"{title}: changes since version {comparison.old_version}"
    return blank().document(body, title_property, "", "en-GB")


def write_readable(comparison: Comparison, title: str, path: Path) -> Path:
    """Write :func:`readable_docx` to ``path`` durably (:mod:`pipeline.atomic`)."""
    atomic.write_bytes(path, readable_docx(comparison, title))
    return path
