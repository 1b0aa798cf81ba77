"""The comparison documents' package: python-docx's default template, saved once.

Both comparison documents were python-docx documents: its default template parsed (then
deep-copied), a paragraph object per change, the whole package serialised and compressed
again on save; 72.8 ms of CPU for a policy's new version (``make bench`` row g), most of
it python-docx parsing, copying, serialising and compressing the template's parts, whose
styles.xml and stylesWithEffects.xml alone are 787 KB of XML, twice a version. python-docx
is used here once per process, to save its default template as it saved every comparison
document; each document is then its body written straight from the comparison as text,
its core properties, and the template's other parts copied as compressed zip entries
(:mod:`pipeline.zip_parts`). The paragraphs (:mod:`pipeline.wordml`) are what python-docx
wrote, element for element, in the template's style ids, so Word and LibreOffice show the
same document (every part of the sample versions' comparisons byte-identical, and their
PDFs' text). Both documents now take 6 ms (``benchmarks/run.py --stages``, same machine).

It never decides what changed (``diff``) nor how a change is shown (``tracked``,
``readable``). A character XML cannot hold becomes U+FFFD rather than a file Word refuses.
"""

from __future__ import annotations

import copy
import io
import zipfile
from functools import cache

import docx
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.styles import BabelFish
from lxml import etree

from pipeline import wordml
from pipeline.safety.parsers import safe_parser
from pipeline.xml_chars import replace_illegal
from pipeline.zip_parts import Template

W = wordml.W
DOCUMENT, CORE = "word/document.xml", "docProps/core.xml"
_PARSER = safe_parser()  # the one parser factory, even for python-docx's own template
DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class Blank:
    """python-docx's default template, saved once: its parts, its body's ends, its styles."""

    def __init__(self) -> None:
        saved = io.BytesIO()
        template = docx.Document()
        _no_title_rule(template)
        template.save(saved)
        with zipfile.ZipFile(saved) as package:
            kept = set(package.namelist()) - {DOCUMENT, CORE}
            document = package.read(DOCUMENT).decode("utf-8")
            self.core = etree.fromstring(package.read(CORE), _PARSER)
            styles = etree.fromstring(package.read("word/styles.xml"), _PARSER)
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


def paragraph(content: str, style: str | None = None, mark: str = "") -> str:
    """A paragraph in the template's ``style`` (by name; None: no properties at all, as
    python-docx's ``add_paragraph``), ``mark`` tracking its paragraph mark."""
    if style is None and not mark:
        return wordml.paragraph(content)
    style_id = blank().style_ids[style] if style is not None else None
    mark = f"<w:rPr>{mark}</w:rPr>" if mark else ""
    return wordml.paragraph(content, wordml.style(style_id) + mark)


def _no_title_rule(document: DocumentObject) -> None:
    """python-docx's Title style has a rule under it, which LibreOffice 7.4 paints as a path
    that is neither tagged nor an artifact, so the PDF fails PDF/UA-1
    (PDFUA1-CONTENT-TAGGING-001). The rule goes; the heading stays."""
    ppr = document.styles["Title"].element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if ppr is not None and border is not None:
        ppr.remove(border)
