"""WordprocessingML paragraphs and runs as text, exactly as python-docx writes them.

python-docx builds a document as a tree of Python objects over lxml, a look-up or two per
paragraph and per run, then serialises it: most of the cost of the comparison documents
and of a policy's section text (``make bench`` row g). The comparison documents
(``compare``) and the section bodies (``assemble.blocks``) are written as text instead,
with these functions, so both write what python-docx wrote: the ``xml:space`` rule, a tab
as ``w:tab`` and a line break as ``w:br`` (``Run.text``), the same escaping as lxml
(``tests/test_wordml.py`` checks it against python-docx itself). Row (g), policy: the
comparison 73 ms -> 6 ms, rendering 30 ms -> 13 ms with the other changes of that work.

It writes markup from text it is given; it never looks a style up (the callers know the
template's style ids) and never parses. A character XML cannot hold becomes U+FFFD.
"""

from __future__ import annotations

import re

from pipeline.xml_chars import replace_illegal

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BREAKS = re.compile("([\t\r\n])")


def escape(text: str) -> str:
    """``text`` as XML character data, as lxml writes it (also the ids and names given as
    attribute values here, which hold no tabs or line ends)."""
    text = replace_illegal(text).replace("&", "&amp;").replace("<", "&lt;")
    return text.replace(">", "&gt;").replace("\r", "&#13;")


def t(text: str, tag: str = "w:t", preserve: bool = False) -> str:
    """One ``w:t`` (or ``w:delText``); ``xml:space`` kept when its ends are spaces."""
    if preserve or len(text.strip()) < len(text):
        return f'<{tag} xml:space="preserve">{escape(text)}</{tag}>'
    return f"<{tag}>{escape(text)}</{tag}>"


def run_content(text: str) -> str:
    """A run's content for ``text``, as ``Run.text = text``: tabs ``w:tab``, breaks ``w:br``."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return t(text) if text else ""
    content: list[str] = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            content.append("<w:br/>")
        elif piece:
            content.append(t(piece))
    return "".join(content)


def run(text: str, properties: str | None = None) -> str:
    """A run as python-docx's ``add_run(text)`` writes it; ``properties`` its ``w:rPr``'s
    children ("": an empty ``w:rPr``, as python-docx leaves one after ``run.bold = None``)."""
    content = run_content(text)
    if properties is None:
        return f"<w:r>{content}</w:r>" if content else "<w:r/>"
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else "<w:rPr/>"
    return f"<w:r>{rpr}{content}</w:r>"


def paragraph(content: str, properties: str | None = None) -> str:
    """A paragraph; ``properties`` its ``w:pPr``'s children ("": an empty ``w:pPr``, as
    python-docx leaves one when a paragraph is given the default style; None: none)."""
    if properties is None:
        return f"<w:p>{content}</w:p>"
    ppr = f"<w:pPr>{properties}</w:pPr>" if properties else "<w:pPr/>"
    return f"<w:p>{ppr}{content}</w:p>"


def style(style_id: str | None) -> str:
    """A paragraph's ``w:pStyle``, or nothing for the default style (id None)."""
    return f'<w:pStyle w:val="{escape(style_id)}"/>' if style_id else ""
