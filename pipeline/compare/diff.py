"""What changed between two versions of a policy, read from their neutral records.

Sections are matched by the framework's key, paragraphs by their words: a paragraph whose
words are the same is unchanged whatever its number says (a typed "4.3" that became "4.4",
a generated list number, a heading renumbered from "5." to "6."), whatever its formatting
and whether it was typed in Word or Excel. Paragraphs that differ are paired when most of
their words agree (then changed word by word), otherwise added and removed; a removed
paragraph whose words reappear unchanged elsewhere is reported as moved. It compares
words, never layouts, and writes nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from pipeline.records import FormRecord, ListItem, SectionContent, SubHeading, Table, block_text

Kind = Literal["same", "added", "removed", "changed", "moved_from", "moved_to"]
Op = Literal["equal", "insert", "delete"]

# A number typed at the start of a paragraph or heading: "4.3", "4.3.", "5)", "(a)", "iv."
_NUMBER = re.compile(r"^\s*(?:\(?\d+(?:\.\d+)*[.)]?|\(?[a-z][.)]|\(?[ivxlc]+[.)])\s+", re.I)
_TOKENS = re.compile(r"\w+|[^\w\s]|\s+")
PAIRED = 0.5  # paragraphs whose words agree this much are one paragraph, changed
WINDOW = 12  # how far (in paragraphs) from its old place a changed paragraph is looked for


def number_of(text: str) -> str:
    """The number typed at the start of ``text`` (with its space), or ""."""
    found = _NUMBER.match(text)
    return found.group(0) if found else ""


def words_key(text: str) -> str:
    """What decides that two paragraphs are the same: the words, numbers and spacing aside."""
    text = text[len(number_of(text)) :]
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(text.replace("\u201d", '"').split())


@dataclass(frozen=True)
class Item:
    """One paragraph, sub-heading, list item or table row of a section."""

    style: Literal["paragraph", "heading", "bullet", "number", "row"]
    text: str
    level: int = 0

    @cached_property
    def key(self) -> str:  # asked for four times or more per comparison: found once
        return words_key(self.text)


@dataclass(frozen=True)
class Change:
    """One item: ``old`` and ``new`` as they apply; ``words`` for a changed one."""

    kind: Kind
    old: Item | None = None
    new: Item | None = None
    words: tuple[tuple[Op, str], ...] = ()


@dataclass(frozen=True)
class SectionChanges:
    key: str
    heading: str  # the new heading (the old one if the section was removed)
    changes: tuple[Change, ...]
    status: Literal["same", "added", "removed", "changed"] = "same"


@dataclass(frozen=True)
class Comparison:
    old_version: str
    new_version: str
    sections: tuple[SectionChanges, ...] = field(default_factory=tuple)

    def count(self, *kinds: Kind) -> int:
        return sum(1 for s in self.sections for c in s.changes if c.kind in kinds)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "sections changed": sum(1 for s in self.sections if s.status != "same"),
            "paragraphs added": self.count("added"),
            "paragraphs removed": self.count("removed"),
            "paragraphs changed": self.count("changed"),
            "paragraphs moved": self.count("moved_to"),
        }

    @property
    def unchanged(self) -> bool:
        return not any(self.summary.values())

    def as_json(self) -> dict[str, object]:
        """The summary and every change, for scripts (``pipeline diff --json``)."""
        return {
            "old": self.old_version,
            "new": self.new_version,
            "summary": self.summary,
            "sections": [
                {
                    "key": s.key,
                    "heading": s.heading,
                    "status": s.status,
                    "changes": [
                        {
                            "kind": c.kind,
                            "old": c.old.text if c.old else None,
                            "new": c.new.text if c.new else None,
                            "words": [[op, t] for op, t in c.words if op != "equal"],
                        }
                        for c in s.changes
                        if c.kind != "same"
                    ],
                }
                for s in self.sections
                if s.status != "same"
            ],
        }

    def summary_line(self) -> str:
        """ "Sections changed: 1; paragraphs added: 1, removed: 1, changed: 3, moved: 0"."""
        s = self.summary
        if self.unchanged:
            return f"Version {self.new_version} has no changes since version {self.old_version}."
        return (
            f"Changes in version {self.new_version} since version {self.old_version}: "
            f"sections changed: {s['sections changed']}; paragraphs added: "
            f"{s['paragraphs added']}, removed: {s['paragraphs removed']}, changed: "
            f"{s['paragraphs changed']}, moved: {s['paragraphs moved']}."
        )


def items(section: SectionContent) -> list[Item]:
    out: list[Item] = []
    for block in section.blocks:
        if isinstance(block, Table):
            out += [Item("row", " | ".join(row)) for row in block.rows]
        elif isinstance(block, SubHeading):
            out.append(Item("heading", block.text))
        elif isinstance(block, ListItem):
            out.append(Item("number" if block.ordered else "bullet", block.text, block.level))
        else:
            out.append(Item("paragraph", block_text(block)))
    return [i for i in out if i.key]


def word_changes(old: str, new: str) -> tuple[tuple[Op, str], ...]:
    """``new`` as equal, inserted and deleted stretches against ``old``, word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[tuple[Op, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", "".join(b[j1:j2])))
    return tuple(out)


def _similarity(a: Item, b: Item) -> float:
    matcher = difflib.SequenceMatcher(None, a.key.split(), b.key.split(), autojunk=False)
    # the cheap upper bounds first: a section rewritten whole pairs n x m paragraphs
    if matcher.real_quick_ratio() < PAIRED or matcher.quick_ratio() < PAIRED:
        return 0.0
    return matcher.ratio()


def _pairs(old: list[Item], new: list[Item]) -> list[tuple[int, int]]:
    """In-order pairs of paragraphs alike enough to be one paragraph changed, best first."""
    scale = len(new) / max(len(old), 1)
    scored = sorted(
        (
            (_similarity(o, new[j]), i, j)
            for i, o in enumerate(old)
            # a paragraph is looked for near where it was: a long block costs n x 2 x WINDOW
            for j in range(max(0, int(i * scale) - WINDOW), min(len(new), int(i * scale) + WINDOW))
        ),
        reverse=True,
    )
    chosen: list[tuple[int, int]] = []
    for score, i, j in scored:
        if score < PAIRED:
            break
        if all((i - ci) * (j - cj) > 0 for ci, cj in chosen):  # no crossing, no reuse
            chosen.append((i, j))
    return sorted(chosen)


def _changed(old: Item, new: Item) -> Change:
    words = word_changes(old.text[len(number_of(old.text)) :], new.text[len(number_of(new.text)) :])
    number = number_of(new.text)
    return Change("changed", old, new, ((("equal", number),) if number else ()) + words)


def _block_changes(old: list[Item], new: list[Item]) -> list[Change]:
    out: list[Change] = []
    i = j = 0
    for pi, pj in [*_pairs(old, new), (len(old), len(new))]:
        out += [Change("removed", old=o) for o in old[i:pi]]
        out += [Change("added", new=n) for n in new[j:pj]]
        if pi < len(old):
            out.append(_changed(old[pi], new[pj]))
        i, j = pi + 1, pj + 1
    return out


def _section_changes(old: list[Item], new: list[Item]) -> list[Change]:
    matcher = difflib.SequenceMatcher(
        None, [o.key for o in old], [n.key for n in new], autojunk=False
    )
    out: list[Change] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [Change("same", o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            out += _block_changes(old[i1:i2], new[j1:j2])
    return out


def _moves(sections: list[tuple[SectionContent, list[Change]]]) -> None:
    """Mark a removed paragraph whose words were added unchanged elsewhere as moved."""
    added: dict[str, list[tuple[list[Change], int]]] = {}
    for _, changes in sections:
        for n, c in enumerate(changes):
            if c.kind == "added" and c.new is not None:
                added.setdefault(c.new.key, []).append((changes, n))
    for _, changes in sections:
        for n, c in enumerate(changes):
            if c.kind == "removed" and c.old is not None and added.get(c.old.key):
                target, m = added[c.old.key].pop(0)
                changes[n] = Change("moved_from", old=c.old)
                target[m] = Change("moved_to", old=c.old, new=target[m].new)


def compare(old: FormRecord, new: FormRecord, old_version: str, new_version: str) -> Comparison:
    """Compare two records of one policy, in the new version's section order."""
    olds = {s.key: s for s in old.sections}
    news = {s.key: s for s in new.sections}
    order = [*news, *(k for k in olds if k not in news)]
    found: list[tuple[SectionContent, list[Change]]] = []
    for key in order:
        o, n = olds.get(key), news.get(key)
        section = n or o
        assert section is not None
        found.append((section, _section_changes(items(o) if o else [], items(n) if n else [])))
    _moves(found)
    out: list[SectionChanges] = []
    for section, changes in found:
        status: Literal["same", "added", "removed", "changed"] = "same"
        if section.key not in olds:
            status = "added"
        elif section.key not in news:
            status = "removed"
        elif any(c.kind != "same" for c in changes):
            status = "changed"
        out.append(SectionChanges(section.key, section.heading, tuple(changes), status))
    return Comparison(old_version, new_version, tuple(out))
