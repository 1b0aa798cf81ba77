"""The comparison of two versions of a policy as a web page, beside its PDF.

The same comparison the readable PDF is made from (``compare/diff.py``), with every change
shown three ways, so that nothing is said by colour alone: ``<ins>``/``<del>`` (which
browsers underline and strike through and some screen readers announce), the words
"[inserted: ...]" / "[deleted: ...]" in the text itself (which every screen reader reads,
and which survive copying), and colour. A summary and a legend come first; sections are
``<h2>``, sub-headings ``<h3>``. Every value is escaped.

This stage may not import ``compare`` (the two are independent stages of one layer), so
the comparison is described here by its shape (:class:`ComparisonLike`, a Protocol that
``compare.diff.Comparison`` satisfies), never copied into another type. It decides nothing
about what changed, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.html.page import page, text

SECTION_NOTE = {"added": " [section added]", "removed": " [section removed]"}


class ItemLike(Protocol):
    @property
    def style(self) -> str: ...
    @property
    def text(self) -> str: ...


class ChangeLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def old(self) -> ItemLike | None: ...
    @property
    def new(self) -> ItemLike | None: ...
    @property
    def words(self) -> Sequence[tuple[str, str]]: ...


class SectionLike(Protocol):
    @property
    def heading(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def changes(self) -> Sequence[ChangeLike]: ...


class ComparisonLike(Protocol):
    @property
    def old_version(self) -> str: ...
    @property
    def new_version(self) -> str: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...
    @property
    def summary(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class ComparisonContext:
    """What the page says besides the comparison. The legend and the words before a
    paragraph changed whole are the readable PDF's own (``compare/readable.py``), passed in
    by ``publish`` so that the page and the PDF say the same thing in the same words."""

    title: str  # the policy's title
    ref: str
    council: str
    published: str  # the date the comparison was made, as it is printed
    legend: str
    paragraph_labels: Mapping[str, tuple[str, str]]  # change kind -> (words, "insert"/"delete")


def heading(comparison: ComparisonLike, title: str) -> str:
    """The page's ``<h1>``, the readable PDF's title line."""
    return (
        f"{title}: changes in version {comparison.new_version} since version "
        f"{comparison.old_version}"
    )


def marked(op: str, words: str) -> str:
    """One stretch of text: as it is, or inside ``<ins>``/``<del>`` with its change in words."""
    if op == "equal":
        return str(text(words))
    tag, said = ("ins", "inserted") if op == "insert" else ("del", "deleted")
    before = " " if words != words.lstrip() else ""
    after = " " if words != words.rstrip() else ""
    return f"{before}<{tag}>[{said}: {text(words.strip())}]</{tag}>{after}"


def _change(change: ChangeLike, labels: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    """(the item's style, its HTML content) for one change."""
    item = change.new if change.new is not None else change.old
    assert item is not None  # a change has an old item, a new one, or both
    if change.kind in labels:
        label, op = labels[change.kind]
        return item.style, f"<strong>{text(label.strip())}</strong> {marked(op, item.text)}"
    parts: list[str] = []
    last = "equal"
    for op, words in change.words or (("equal", item.text),):
        if words:
            if op != "equal" and last != "equal":
                parts.append(" ")  # "[deleted: a] [inserted: b]": two things, read as two
            parts.append(marked(op, words))
            last = op
    return item.style, "".join(parts)


_LISTS = {"bullet": ("<ul>", "</ul>"), "number": ('<ol type="a">', "</ol>")}


def _section(section: SectionLike, labels: Mapping[str, tuple[str, str]]) -> list[str]:
    out = [f"<h2>{text(section.heading + SECTION_NOTE.get(section.status, ''))}</h2>"]
    if section.status == "same":
        return [*out, "<p>No changes in this section.</p>"]
    listed: list[str] = []  # the open list's items, so a run of list items is one real list
    kind = ""
    for style, content in (*(_change(c, labels) for c in section.changes), ("", "")):
        if listed and style != kind:
            out += [_LISTS[kind][0], *listed, _LISTS[kind][1]]
            listed = []
        if style in _LISTS:
            listed.append(f"<li>{content}</li>")
            kind = style
            continue
        if style == "heading":
            out.append(f"<h3>{content}</h3>")
        elif content:
            out.append(f"<p>{content}</p>")
    return out


def render_comparison(comparison: ComparisonLike, ctx: ComparisonContext) -> str:
    """The comparison's whole page: title, summary, legend, then every section's changes."""
    title = heading(comparison, ctx.title)
    body = [
        f"<h1>{text(title)}</h1>",
        f"<p>Made {text(ctx.published)}. Reference {text(ctx.ref)}. It shows version "
        f"{text(comparison.new_version)} with every change since version "
        f"{text(comparison.old_version)} marked.</p>",
    ]
    body += ["<h2>Summary</h2>", "<ul>"]
    body += [
        f"<li>{text(name.capitalize())}: {count}</li>" for name, count in comparison.summary.items()
    ]
    body += ["</ul>", f'<p class="legend">{text(ctx.legend)}</p>']
    for section in comparison.sections:
        body += _section(section, ctx.paragraph_labels)
    body.append(
        f"<footer><p>Produced by {text(ctx.council)} on {text(ctx.published)}.</p></footer>"
    )
    return page(f"{title} – {ctx.council}", body, council=ctx.council)
