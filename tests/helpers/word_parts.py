"""What python-docx cannot write, written as Word writes it: footnotes, endnotes, text boxes.

:class:`Notes` adds ``w:footnoteReference``/``w:endnoteReference`` runs to paragraphs and,
on :meth:`Notes.finish`, the ``word/footnotes.xml`` and ``word/endnotes.xml`` parts (with
Word's separator notes) related from the document. :func:`text_box` anchors a text box in a
paragraph the way Word 2010 and later saves one: an ``mc:AlternateContent`` whose
``mc:Choice`` is a ``wps`` drawing and whose ``mc:Fallback`` is the same box in VML, both
holding the same ``w:txbxContent``. :func:`hyperlink` adds a real ``w:hyperlink``.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Notes:
    """Footnotes and endnotes for one python-docx document."""

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        self.texts: dict[str, list[str]] = {"footnote": [], "endnote": []}
        self.links: dict[str, dict[int, tuple[str, str]]] = {"footnote": {}, "endnote": {}}
        self.drawings: set[tuple[str, int]] = set()

    def add(
        self,
        paragraph: Any,
        text: str,
        kind: str = "footnote",
        link: tuple[str, str] | None = None,
        *,
        drawing: bool = False,
    ) -> None:
        """A marker for a new ``kind`` note saying ``text`` (then ``link``: (words, address),
        a hyperlink in the notes part; ``drawing``: a drawing after it) at the end of
        ``paragraph``."""
        self.texts[kind].append(text)
        if drawing:
            self.drawings.add((kind, len(self.texts[kind])))
        if link is not None:
            self.links[kind][len(self.texts[kind])] = link
        note_id = len(self.texts[kind])  # 1, 2, ...: -1 and 0 are Word's separators
        style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
        paragraph._p.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{style}"/>'
                f'<w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
            )
        )

    def finish(self) -> None:
        """Write the notes parts: call once, after the last :meth:`add`."""
        for kind, texts in self.texts.items():
            if not texts:
                continue
            notes = [
                f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                f"</w:{kind}>",
                f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                f"<w:continuationSeparator/></w:r></w:p></w:{kind}>",
            ]
            part = Part(
                PackURI(f"/word/{kind}s.xml"),
                _CT.format(f"{kind}s"),
                b"",
                self.document.part.package,
            )
            for note_id, text in enumerate(texts, start=1):
                link = ""
                if note_id in self.links[kind]:
                    words, url = self.links[kind][note_id]
                    r_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
                    link = f'<w:hyperlink r:id="{r_id}"><w:r><w:t>{_esc(words)}</w:t></w:r></w:hyperlink>'
                if (kind, note_id) in self.drawings:
                    link += "<w:r><w:drawing/></w:r>"  # what the reader counts; never drawn
                notes.append(
                    f'<w:{kind} w:id="{note_id}"><w:p><w:r><w:{kind}Ref/></w:r>'
                    f'<w:r><w:t xml:space="preserve"> {_esc(text)}</w:t></w:r>{link}</w:p></w:{kind}>'
                )
            xml = f'<w:{kind}s xmlns:w="{_W}" xmlns:r="{_R}">{"".join(notes)}</w:{kind}s>'
            part._blob = xml.encode("utf-8")  # written once its links have their ids
            self.document.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


def text_box(paragraph: Any, lines: list[str], number: int) -> None:
    """A text box holding ``lines`` (one paragraph each), anchored in ``paragraph``."""
    content = "".join(f"<w:p><w:r><w:t>{_esc(line)}</w:t></w:r></w:p>" for line in lines)
    box = f'<w:txbxContent xmlns:w="{_W}">{content}</w:txbxContent>'
    xml = (
        f'<w:r xmlns:w="{_W}" xmlns:mc="{_MC}" xmlns:wps="{_WPS}" xmlns:wp="{_WP}" '
        f'xmlns:a="{_A}" xmlns:v="{_V}"><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" '
        'distR="114300" simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" '
        'layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2743200" cy="914400"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="{500 + number}" '
        f'name="Text Box {number}"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
        f'uri="{_WPS}"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="2743200" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        f"</a:prstGeom></wps:spPr><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:shape id="Text Box {number}" type="#_x0000_t202" '
        f'style="width:216pt;height:72pt"><v:textbox>{box}</v:textbox></v:shape></w:pict>'
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    paragraph._p.append(etree.fromstring(xml))


def hyperlink(paragraph: Any, words: str, url: str) -> None:
    """A real ``w:hyperlink`` to ``url`` saying ``words``, at the end of ``paragraph``."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:rPr>'
        f'<w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve">{_esc(words)}</w:t>'
        "</w:r></w:hyperlink>"
    )
    paragraph._p.append(link)


def _text(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def styled_paragraphs(xml: bytes) -> list[tuple[str, str]]:
    """(style id, text) of every ``w:p`` in a part's XML, for counting in an output."""
    out: list[tuple[str, str]] = []
    for p in etree.fromstring(xml).iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        out.append((str(style.get(qn("w:val"))) if style is not None else "", _text(p)))
    return out


def header_row_cells(xml: bytes) -> list[str]:
    """The text of each cell in a table row marked as a header row (``w:tblHeader``)."""
    rows = etree.fromstring(xml).iter(qn("w:tr"))
    header = [r for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
    return [_text(tc) for row in header for tc in row.iter(qn("w:tc"))]


def hyperlinks(xml: bytes, rels: bytes) -> list[tuple[str, str]]:
    """(words, address) of every ``w:hyperlink`` to an address outside the document."""
    targets = {
        rel.get("Id"): rel.get("Target")
        for rel in etree.fromstring(rels)
        if rel.get("TargetMode") == "External"
    }
    links = etree.fromstring(xml).iter(qn("w:hyperlink"))
    return [(_text(h), str(targets.get(h.get(qn("r:id"))))) for h in links]


def picture_alts(xml: bytes) -> list[str]:
    """Word's alt text (``wp:docPr descr``) of every picture in a part's XML."""
    return [str(d.get("descr", "")) for d in etree.fromstring(xml).iter(f"{{{_WP}}}docPr")]
