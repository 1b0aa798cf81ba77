"""The comparison's web page: every change marked up and said in words, read back with lxml.

The comparison is the real one (``compare.diff.compare`` on two records); the words are the
readable PDF's own (``compare/readable.py``), passed in as ``publish/changes.py`` does.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

from pipeline.compare.diff import compare
from pipeline.compare.readable import LEGEND, PARAGRAPH_LABEL
from pipeline.html.comparison import ComparisonContext, render_comparison
from pipeline.records import FormRecord, ListItem, Paragraph, Run, SectionContent, SubHeading

CTX = ComparisonContext(
    title="Carers <b>Policy</b>",
    ref="ASC-POL-007",
    council="Devon County Council",
    published="1 March 2026",
    legend=LEGEND,
    paragraph_labels=PARAGRAPH_LABEL,
)


def record(*sections: tuple[str, tuple[object, ...]]) -> FormRecord:
    return FormRecord(
        "policy",
        Path("x.docx"),
        sections=[SectionContent(key, key.title(), blocks) for key, blocks in sections],  # type: ignore[arg-type]
    )


def para(text: str) -> Paragraph:
    return Paragraph((Run(text),))


OLD = record(
    ("scope", (para("This applies to adults."), para("Carers are included."))),
    ("policy", (SubHeading("Budgets"), para("We review every year."), para("Old rule <i>."))),
    ("aims", (ListItem((Run("Choice"),), 0), para("Same words."))),
)
NEW = record(
    ("scope", (para("This applies to adults."), para("Carers are included."))),
    ("policy", (SubHeading("Budgets"), para("We review every six months."), para("New <b>."))),
    ("aims", (ListItem((Run("Choice"),), 0), ListItem((Run("Control"),), 0), para("Same words."))),
)


def render() -> lxml.html.HtmlElement:
    html = render_comparison(compare(OLD, NEW, "2", "3"), CTX)
    return lxml.html.document_fromstring(html)


def words(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_title_language_one_h1_and_headings_never_skip_a_level() -> None:
    doc = render()
    assert doc.get("lang") == "en-GB"
    assert doc.findtext(".//title") == (
        "Carers <b>Policy</b>: changes in version 3 since version 2 – Devon County Council"
    )
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert not doc.xpath("//script")


def test_each_change_is_marked_up_and_said_in_words() -> None:
    doc = render()
    inserted = [words(e) for e in doc.iter("ins")]
    deleted = [words(e) for e in doc.iter("del")]
    assert "[inserted: six months]" in inserted and "[deleted: year]" in deleted
    assert all(w.startswith("[inserted: ") for w in inserted)
    assert all(w.startswith("[deleted: ") for w in deleted)
    changed = next(p for p in doc.iter("p") if "review every" in p.text_content())
    assert words(changed) == "We review every [deleted: year] [inserted: six months]."


def test_a_paragraph_added_or_removed_whole_says_so_and_a_list_stays_a_list() -> None:
    doc = render()
    (item,) = [li for li in doc.xpath("//main//ul/li") if "Control" in li.text_content()]
    assert words(item) == "[paragraph added] [inserted: Control]"
    assert item.find("strong").text == "[paragraph added]"
    texts = [words(p) for p in doc.iter("p")]
    assert any(t.startswith("[paragraph removed] [deleted: Old rule <i>.") for t in texts)


def test_values_are_escaped_and_an_unchanged_section_says_so() -> None:
    doc = render()
    assert not doc.xpath("//main//b | //main//i")  # typed markup shows as text
    assert words(doc.find(".//h1")) == "Carers <b>Policy</b>: changes in version 3 since version 2"
    scope = next(h for h in doc.iter("h2") if h.text == "Scope")
    assert words(scope.getnext()) == "No changes in this section."


def test_summary_and_legend_come_first() -> None:
    doc = render()
    headings = [h.text for h in doc.iter("h2")]
    assert headings[0] == "Summary"
    summary = [words(li) for li in doc.xpath("//h2[.='Summary']/following-sibling::ul[1]/li")]
    assert "Paragraphs changed: 1" in summary and "Paragraphs added: 2" in summary
    assert LEGEND in [p.text_content() for p in doc.iter("p")]
