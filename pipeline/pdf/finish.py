"""PDF post-processing and inspection with pypdf.

LibreOffice produces the tagged, bookmarked PDF; this module only finishes it (metadata,
viewer preferences, the DRAFT stamp) and reports on it. The one rule that matters: never
copy pages into a fresh writer. That looks fine on screen but silently drops the structure
tree, /Lang, /MarkInfo, the outline and the XMP metadata, which is exactly what makes the
PDF accessible. Changes are appended as an incremental update (:mod:`pipeline.pdf.update`),
so every object LibreOffice wrote stays as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as DefusedET
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    PdfObject,
    TextStringObject,
)

from pipeline import atomic
from pipeline.pdf.draft import stamp
from pipeline.pdf.lists import clauses_as_lists, label_list_items
from pipeline.pdf.structure import fix_tabs, join_links, title_as_heading
from pipeline.pdf.tables import mark_row_headers
from pipeline.pdf.update import PdfUpdate

_PT_PER_MM = 72 / 25.4
_PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP_KEPT = {
    "pdfaid:part": (_PDFAID_NS, "part"),
    "pdfaid:conformance": (_PDFAID_NS, "conformance"),
    "pdfuaid:part": ("http://www.aiim.org/pdfua/ns/id/", "part"),
    "pdf:Producer": ("http://ns.adobe.com/pdf/1.3/", "Producer"),
    "xmp:CreatorTool": ("http://ns.adobe.com/xap/1.0/", "CreatorTool"),
    "xmp:CreateDate": ("http://ns.adobe.com/xap/1.0/", "CreateDate"),
}
_XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{keywords}</pdf:Keywords>{simple}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""
DRAFT_PREFIX = "DRAFT – "


@dataclass(frozen=True)
class PdfMetadata:
    """What the published PDF says about itself (document properties, search, screen readers)."""

    title: str
    subject: str
    author: str
    keywords: str
    language: str = "en-GB"
    version: str = ""


@dataclass(frozen=True)
class PdfReport:
    """The accessibility-relevant facts of a PDF, for tests and checks across the team."""

    pages: int
    page_size_mm: list[tuple[float, float]]
    tagged: bool  # /MarkInfo /Marked true
    has_struct_tree: bool
    lang: str | None
    display_doc_title: bool
    title: str | None
    outline: list[str]  # outline (bookmark) titles, depth-first
    fonts_embedded: bool
    text: str
    pdfa_part: str | None = None  # from XMP pdfaid:part, e.g. "2" for PDF/A-2b


def finalize_pdf(
    path: Path, metadata: PdfMetadata, *, draft: bool = False, dest: Path | None = None
) -> None:
    """Set metadata and viewer preferences, tag the details tables' row headers, stamp DRAFT
    if asked; rewrite ``path`` (or write ``dest``) atomically and durably.

    Raises ``PdfReadError``/``OSError`` if the file is not a readable PDF; the converter turns
    that into a message for people.
    """
    update = PdfUpdate(path)
    if draft and not metadata.title.startswith(DRAFT_PREFIX):
        # said once, here: the XMP this update writes cannot be read back before it is saved
        metadata = replace(metadata, title=DRAFT_PREFIX + metadata.title)
    info: dict[str, PdfObject] = {
        "/Title": TextStringObject(metadata.title),
        "/Subject": TextStringObject(metadata.subject),
        "/Author": TextStringObject(metadata.author),
        "/Keywords": TextStringObject(metadata.keywords),
    }
    if metadata.version:
        info["/Version"] = TextStringObject(metadata.version)
    update.set_info(info)
    root = update.root
    if "/Lang" not in root and metadata.language:
        root[NameObject("/Lang")] = TextStringObject(metadata.language)
    prefs = update.edit_entry(root, "/ViewerPreferences")
    prefs[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    _update_xmp(update, metadata)
    mark_row_headers(update)
    fix_tabs(update)
    title_as_heading(update)
    label_list_items(update)
    clauses_as_lists(update)
    join_links(update)
    if draft:
        stamp(update)
    atomic.replace_with(dest or path, update.save)


def stamp_draft(path: Path, dest: Path | None = None) -> None:
    """Stamp DRAFT on every page of a PDF :func:`finalize_pdf` has already finished.

    Its metadata, viewer preferences and row headers are already there, so only the stamp,
    the DRAFT title and the tagged DRAFT line are appended; rewrite ``path`` (or write
    ``dest``, so a DRAFT copy is written once, not copied and then read back) atomically.
    """
    update = PdfUpdate(path)
    _draft(update)
    atomic.replace_with(dest or path, update.save)


def _draft(update: PdfUpdate) -> None:
    """The stamp (an artifact), "DRAFT – " before the title, and a tagged "DRAFT" line."""
    info: dict[str, Any] = dict(update.reader.metadata or {})
    title = str(info.get("/Title") or "")
    if title and not title.startswith(DRAFT_PREFIX):
        title = DRAFT_PREFIX + title
        update.set_info({"/Title": TextStringObject(title)})
        metadata = PdfMetadata(
            title=title,
            subject=str(info.get("/Subject") or ""),
            author=str(info.get("/Author") or ""),
            keywords=str(info.get("/Keywords") or ""),
            language=str(update.root.get("/Lang") or "en-GB"),
            version=str(info.get("/Version") or ""),
        )
        _update_xmp(update, metadata)
    stamp(update)


def _xmp_text(root: Any, namespace: str, name: str) -> str | None:
    """The value of ``name`` whether written as an element or as an rdf:Description attribute."""
    for desc in root.iter(f"{{{_RDF_NS}}}Description"):
        if f"{{{namespace}}}{name}" in desc.attrib:
            return str(desc.attrib[f"{{{namespace}}}{name}"])
        node = desc.find(f"{{{namespace}}}{name}")
        if node is not None:
            return "".join(node.itertext()).strip()
    return None


def _update_xmp(update: PdfUpdate, metadata: PdfMetadata) -> None:
    """Rewrite the XMP packet so it says what /Info says.

    PDF/A and PDF/UA validators reject a document whose XMP and /Info disagree, and
    LibreOffice wrote its XMP from the .docx properties. pypdf's XMP setters mangle the
    multi-Description layout LibreOffice uses (undeclared prefixes), so the packet is
    rebuilt here, keeping the conformance claims and dates LibreOffice made.
    """
    root = update.root
    stream = root.get("/Metadata")
    if stream is None:
        return
    try:
        old = DefusedET.fromstring(stream.get_object().get_data())
    except Exception:  # an unreadable packet is replaced by a fresh one
        old = None
    kept = {
        key: (_xmp_text(old, ns, name) if old is not None else None)
        for key, (ns, name) in _XMP_KEPT.items()
    }
    info: dict[str, Any] = dict(update.reader.metadata or {})
    kept["pdf:Producer"] = kept["pdf:Producer"] or _opt(info.get("/Producer"))
    kept["xmp:CreatorTool"] = kept["xmp:CreatorTool"] or _opt(info.get("/Creator"))
    simple = "".join(f"<{key}>{_xml(value)}</{key}>" for key, value in kept.items() if value)
    packet = _XMP_TEMPLATE.format(
        title=_xml(metadata.title),
        subject=_xml(metadata.subject),
        author=_xml(metadata.author),
        keywords=_xml(metadata.keywords),
        language=_xml(metadata.language),
        simple=simple,
    )
    xmp = DecodedStreamObject()
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    xmp.set_data(packet.encode("utf-8"))
    root[NameObject("/Metadata")] = update.add(xmp)


def _opt(value: Any) -> str | None:
    return str(value) if value else None


def _xml(text: str) -> str:
    """Escape for XML content, dropping control characters XML 1.0 cannot carry."""
    return escape("".join(c for c in text if c >= " " or c in "\t\n\r"))


# --- inspection ---------------------------------------------------------------------------


def _outline_titles(items: list[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, list):
            yield from _outline_titles(item)
        else:
            yield str(item.title)


def _fonts(resources: Any, seen: set[int]) -> Iterator[DictionaryObject]:
    """Every font used through ``resources``, including inside form XObjects."""
    res = resources.get_object() if resources is not None else None
    if not isinstance(res, DictionaryObject) or id(res) in seen:
        return
    seen.add(id(res))
    fonts = res.get("/Font")
    for font in (fonts.get_object() if fonts is not None else {}).values():
        yield font.get_object()
    xobjects = res.get("/XObject")
    for xobj in (xobjects.get_object() if xobjects is not None else {}).values():
        xo = xobj.get_object()
        if xo.get("/Subtype") == "/Form":
            yield from _fonts(xo.get("/Resources"), seen)


def _as_dict(obj: Any) -> DictionaryObject:
    """Resolve an optional indirect dictionary; anything else reads as empty."""
    value = obj.get_object() if obj is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _font_embedded(font: DictionaryObject) -> bool:
    """A Type 3 font's glyphs live in its CharProcs; every other font needs a FontFile*."""
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        descendants = font["/DescendantFonts"].get_object()
        if not isinstance(descendants, ArrayObject) or not descendants:
            return False
        font = _as_dict(descendants[0])
    desc = _as_dict(font.get("/FontDescriptor"))
    return any(key in desc for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _pdfa_part(reader: PdfReader) -> str | None:
    stream = _as_dict(reader.trailer["/Root"]).get("/Metadata")
    if stream is None:
        return None
    try:
        root = DefusedET.fromstring(stream.get_object().get_data())
    except Exception:  # unreadable XMP claims nothing
        return None
    return _xmp_text(root, _PDFAID_NS, "part")


def inspect_pdf(path: Path) -> PdfReport:
    """Report what a reader (human or screen reader) gets from the PDF at ``path``."""
    reader = PdfReader(path)
    root = _as_dict(reader.trailer["/Root"])
    mark_info = _as_dict(root.get("/MarkInfo"))
    prefs = _as_dict(root.get("/ViewerPreferences"))
    seen: set[int] = set()
    fonts = [f for page in reader.pages for f in _fonts(page.get("/Resources"), seen)]
    lang = root.get("/Lang")
    meta = reader.metadata
    return PdfReport(
        pages=len(reader.pages),
        page_size_mm=[
            (
                round(float(p.mediabox.width) / _PT_PER_MM, 1),
                round(float(p.mediabox.height) / _PT_PER_MM, 1),
            )
            for p in reader.pages
        ],
        tagged=bool(mark_info.get("/Marked", False)),
        has_struct_tree="/StructTreeRoot" in root,
        lang=str(lang.get_object()) if lang is not None else None,
        display_doc_title=bool(prefs.get("/DisplayDocTitle", False)),
        title=meta.title if meta is not None else None,
        outline=list(_outline_titles(reader.outline)),
        fonts_embedded=all(_font_embedded(f) for f in fonts),
        text="\n".join(page.extract_text() for page in reader.pages),
        pdfa_part=_pdfa_part(reader),
    )
