"""The comparison documents' package, paragraphs and runs, written as WordprocessingML text.

Both comparison documents were python-docx documents: its default template parsed (then
deep-copied), a paragraph object per change, the whole package serialised and compressed
again on save; 72.8 ms of CPU for a policy's new version (``make bench`` row g), most of
it python-docx parsing, copying, serialising and compressing the template's parts, whose
styles.xml and stylesWithEffects.xml alone are 787 KB of XML, twice a version. python-docx
is used here once per process, to save its default template as it saved every comparison
document; each document is then its body written straight from the comparison as text,
its core properties, and the template's other parts copied as compressed zip entries
(:mod:`pipeline.zip_parts`). The XML is what python-docx wrote, element for element: the
same style ids, the same ``xml:space`` rule, tabs and line breaks as ``w:tab`` and
``w:br``, so Word and LibreOffice show the same document.

It writes paragraphs and runs; it never decides what changed (``diff``) nor how a change is
shown (``tracked``, ``readable``). A character XML cannot hold becomes U+FFFD rather than
a file Word refuses.
"""

from __future__ import annotations

import copy
import io
import zipfile
from functools import cache

import docx
from docx.styles import BabelFish
from lxml import etree

from pipeline.xml_chars import replace_illegal
from pipeline.zip_parts import Template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT, CORE = "word/document.xml", "docProps/core.xml"
DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class Blank:
    """python-docx's default template, saved once: its parts, its body's ends, its styles."""

    def __init__(self) -> None:
        saved = io.BytesIO()
        docx.Document().save(saved)
        with zipfile.ZipFile(saved) as package:
            kept = set(package.namelist()) - {DOCUMENT, CORE}
            document = package.read(DOCUMENT).decode("utf-8")
            self.core = etree.fromstring(package.read(CORE))
            styles = etree.fromstring(package.read("word/styles.xml"))
        self.package = Template(saved.getvalue(), kept)
        start = document.index("<w:body>") + len("<w:body>")
        self.head, self.tail = document[:start], document[start:]
        self.style_ids: dict[str, str | None] = {}
        for style in styles.iterfind(f"{{{W}}}style[@{{{W}}}type='paragraph']"):
            name = style.find(f"{{{W}}}name")
            if name is not None:
                default = style.get(f"{{{W}}}default") in ("1", "true")
                ui_name = BabelFish.internal2ui(name.get(f"{{{W}}}val", ""))  # "Heading 1"
                self.style_ids[ui_name] = None if default else style.get(f"{{{W}}}styleId")

    def document(self, body: list[str], title: str, creator: str, language: str) -> bytes:
        """The package with ``body`` (paragraphs' XML) and the core properties given."""
        core = copy.deepcopy(self.core)
        _set(core, "dc:title", title)
        if creator:
            _set(core, "dc:creator", creator)
        if language:
            _set(core, "dc:language", language)
        xml = etree.tostring(core, encoding="UTF-8", xml_declaration=False)
        return self.package.fill(
            {
                DOCUMENT: "".join((self.head, *body, self.tail)).encode("utf-8"),
                CORE: DECLARATION.encode() + xml,
            }
        )


def _set(core: etree._Element, tag: str, value: str) -> None:
    prefix, name = tag.split(":")
    element = core.find(tag, _NS)
    if element is None:
        element = etree.SubElement(core, f"{{{_NS[prefix]}}}{name}")
    element.text = replace_illegal(value)


@cache
def blank() -> Blank:
    """The one :class:`Blank` of the process (read-only once made)."""
    return Blank()


def escape(text: str) -> str:
    """``text`` as XML character data, as lxml writes it."""
    text = replace_illegal(text).replace("&", "&amp;").replace("<", "&lt;")
    return text.replace(">", "&gt;").replace("\r", "&#13;")


def t(text: str, tag: str = "w:t", preserve: bool = False) -> str:
    """One ``w:t`` (or ``w:delText``); ``xml:space`` kept when its ends are spaces."""
    if preserve or len(text.strip()) < len(text):
        return f'<{tag} xml:space="preserve">{escape(text)}</{tag}>'
    return f"<{tag}>{escape(text)}</{tag}>"


def run(text: str, properties: str = "") -> str:
    """A run as python-docx's ``add_run(text)`` writes it: tabs ``w:tab``, breaks ``w:br``."""
    content: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char in "\t\r\n":
            if i > start:
                content.append(t(text[start:i]))
            content.append("<w:tab/>" if char == "\t" else "<w:br/>")
            start = i + 1
    if start < len(text):
        content.append(t(text[start:]))
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f"<w:r>{rpr}{''.join(content)}</w:r>" if rpr or content else "<w:r/>"


def paragraph(content: str, style: str | None = None, mark: str = "") -> str:
    """A paragraph in the template's ``style`` (by name; None: no properties at all, as
    python-docx's ``add_paragraph``), ``mark`` tracking its paragraph mark."""
    if style is None and not mark:
        return f"<w:p>{content}</w:p>"
    style_id = blank().style_ids[style] if style is not None else None
    inner = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    if mark:
        inner += f"<w:rPr>{mark}</w:rPr>"
    ppr = f"<w:pPr>{inner}</w:pPr>" if inner else "<w:pPr/>"
    return f"<w:p>{ppr}{content}</w:p>"
