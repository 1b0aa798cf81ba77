"""The pipeline's own cell notes on the Register sheet, written by the XML fast path.

The pipeline notes a date cell whose form gave words rather than a date ("As written on the
form: Quarter 3 2027/28"). Real forms write review dates that way, so almost every batch adds
or changes such a note; leaving notes to openpyxl would send nearly every sync down the slow
path. A note lives in three places: the sheet's comments part (the text and author), a
legacy VML drawing with one hidden ``<v:shape>`` per note (without it Excel shows nothing),
and the sheet's relationships and ``<legacyDrawing>`` element that tie them to the sheet.

:class:`Notes` adds, changes and removes the pipeline's notes (author ``COMMENT_AUTHOR``)
as :func:`pipeline.register.workbook._set_own_comment` does through openpyxl, creating the comments
part and drawing when the sheet has none yet and dropping them when the last note goes. A
note someone else wrote is never touched, and neither is any other note's or shape's markup.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from lxml import etree

from pipeline.register.cells import COMMENT_AUTHOR, clean
from pipeline.register.xml.package import (
    CT_NS,
    NS,
    PKG_NS,
    R_NS,
    Package,
    Unsupported,
    parse,
    place,
    split_ref,
)

_N = "{" + NS + "}"
_R_ID = f"{{{R_NS}}}id"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
X_NS = "urn:schemas-microsoft-com:office:excel"
COMMENTS_TYPE = R_NS + "/comments"
VML_TYPE = R_NS + "/vmlDrawing"
COMMENTS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CONTENT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_SHAPE_ID = re.compile(r"_x0000_s(\d+)$")
_VML_HEAD = f'<xml xmlns:v="{V_NS}" xmlns:o="{O_NS}" xmlns:x="{X_NS}">'
# what openpyxl writes for a drawing of notes, and for each note (hidden, 220 x 60 px)
EMPTY_VML = (
    _VML_HEAD + '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"'
    ' path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype></xml>'
)
SHAPE = (
    _VML_HEAD + '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;'
    " margin-left:59.25pt;margin-top:1.5pt;width:220px;height:60px;z-index:1;"
    'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
    '<v:shadow color="black" obscured="t"/><v:path o:connecttype="none"/>'
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>'
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column>"
    "</x:ClientData></v:shape></xml>"
)


def note_text(comment: etree._Element) -> str:
    """A note's text as openpyxl reads it (every run, without phonetic guides)."""
    return "".join(
        t.text or ""
        for t in comment.iter(_N + "t")
        if (parent := t.getparent()) is None or parent.tag != _N + "rPh"
    )


class Notes:
    """The Register sheet's notes: read once, changed by :meth:`set`, saved by :meth:`finish`."""

    def __init__(self, pkg: Package, part: str) -> None:
        self.pkg, self.part = pkg, part
        found = pkg.related(part, "comments")
        if len(found) > 1:
            raise Unsupported("the sheet has more than one comments part")
        self.comments_part = found[0] if found else None
        self.tree: Any = pkg.xml(found[0]) if found else None
        self.by_ref: dict[str, etree._Element] = {}
        self.authors: list[str] = []
        if self.tree is not None:
            authors = self.tree.find(_N + "authors")
            comment_list = self.tree.find(_N + "commentList")
            if authors is None or comment_list is None:
                raise Unsupported("the comments part is not laid out as expected")
            self.authors = [a.text or "" for a in authors]
            for comment in comment_list:
                ref = str(comment.get("ref"))
                if ref in self.by_ref:
                    raise Unsupported(f"two notes on {ref}")
                self.by_ref[ref] = comment
        self.pending: dict[str, str | None] = {}

    def _author(self, comment: etree._Element) -> str:
        index = _number(comment.get("authorId", "0"))
        return self.authors[index] if index < len(self.authors) else ""

    def set(self, ref: str, text: str | None) -> None:
        """The pipeline's note on ``ref`` (None: none); a person's note there is left alone."""
        text = clean(text) if text is not None else None  # no XML-illegal characters
        current = self.by_ref.get(ref)
        if current is not None:
            if self._author(current) != COMMENT_AUTHOR:
                return
            if text is not None and note_text(current) == text:
                self.pending.pop(ref, None)
                return
        elif text is None:
            self.pending.pop(ref, None)
            return
        self.pending[ref] = text

    def finish(self, root: etree._Element) -> None:
        """Write the changed notes into the package and ``root`` (the sheet, saved by the caller)."""
        if not self.pending:
            return
        rels_name = self.pkg.rels_name(self.part)
        rels = self.pkg.xml(rels_name)
        types = self.pkg.xml("[Content_Types].xml")
        drawing = _Drawing(self.pkg, self.part, root, rels, types)
        if self.tree is not None and drawing.name is None:
            raise Unsupported("the sheet's notes have no drawing")  # openpyxl draws them all
        tree = self.tree
        if tree is None:
            tree = parse(f'<comments xmlns="{NS}"><authors/><commentList/></comments>'.encode())
        authors, comment_list = tree.find(_N + "authors"), tree.find(_N + "commentList")
        added = False
        for ref, text in self.pending.items():
            row, col = split_ref(ref)
            current = self.by_ref.get(ref)
            if text is None:
                if current is not None:
                    comment_list.remove(current)
                drawing.remove(row - 1, col - 1)
                continue
            if current is None:
                if COMMENT_AUTHOR not in self.authors:
                    etree.SubElement(authors, _N + "author").text = COMMENT_AUTHOR
                    self.authors.append(COMMENT_AUTHOR)
                author_id = str(self.authors.index(COMMENT_AUTHOR))
                current = etree.SubElement(
                    comment_list, _N + "comment", ref=ref, authorId=author_id, shapeId="0"
                )
                added = True
                drawing.add(row - 1, col - 1)
            for child in list(current):
                current.remove(child)
            t = etree.SubElement(etree.SubElement(current, _N + "text"), _N + "t")
            try:
                t.text = text
            except ValueError:  # a character XML cannot hold that clean() does not know
                raise Unsupported(f"the note on {ref} cannot be written as XML") from None
            if text != text.strip():
                t.set(XML_SPACE, "preserve")
        if added:  # in cell order, as Excel and openpyxl write them
            comment_list[:] = sorted(comment_list, key=lambda c: split_ref(str(c.get("ref"))))
        sizes = len(rels), len(types)
        self._save(tree, len(comment_list) > 0, rels, types)
        drawing.save()
        if (len(rels), len(types)) != sizes:  # a part was added or dropped
            self.pkg.write_xml(rels_name, rels)
            self.pkg.write_xml("[Content_Types].xml", types)

    def _save(self, tree: Any, keep: bool, rels: Any, types: Any) -> None:
        data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
        if self.comments_part is not None and keep:
            self.pkg.write(self.comments_part, data)
        elif self.comments_part is not None:  # the last note went: so does the part
            _unlink(self.pkg, self.part, rels, types, self.comments_part)
        elif keep:
            name = _free_name(self.pkg, "xl/comments/comment{}.xml")
            self.pkg.add(name, data)
            _link(rels, types, name, COMMENTS_TYPE, COMMENTS_CONTENT)


class _Drawing:
    """The sheet's legacy VML drawing, which makes Excel show the notes."""

    def __init__(self, pkg: Package, part: str, root: Any, rels: Any, types: Any) -> None:
        self.pkg, self.part, self.root, self.rels, self.types = pkg, part, root, rels, types
        self.element = root.find(_N + "legacyDrawing")
        self.name: str | None = None
        if self.element is not None:
            rid = self.element.get(_R_ID)
            targets = {r.id: r.target for r in pkg.rels(part) if r.type == "vmlDrawing"}
            if rid not in targets or not pkg.has(targets[rid]):
                raise Unsupported("the sheet's legacy drawing is missing")
            self.name = targets[rid]
        self.vml: Any = None  # read only if a shape is added or removed
        self.shapes: dict[tuple[int, int], Any] = {}
        self.next_id = 1026
        self.changed = False

    def _load(self) -> Any:
        if self.vml is not None:
            return self.vml
        self.vml = self.pkg.xml(self.name) if self.name else parse(EMPTY_VML.encode())
        for shape in self.vml.iter(f"{{{V_NS}}}shape"):
            found = _SHAPE_ID.match(str(shape.get("id", "")))
            if found:
                self.next_id = max(self.next_id, int(found.group(1)) + 1)
            data = shape.find(f"{{{X_NS}}}ClientData")
            if data is not None and data.get("ObjectType") == "Note":
                at = (
                    _number(data.findtext(f"{{{X_NS}}}Row")),
                    _number(data.findtext(f"{{{X_NS}}}Column")),
                )
                self.shapes.setdefault(at, shape)
        return self.vml

    def add(self, row: int, col: int) -> None:
        vml = self._load()
        if (row, col) in self.shapes:
            return  # a note's shape left behind: it serves the new note
        shape = parse(SHAPE.format(id=self.next_id, row=row, col=col).encode())[0]
        self.next_id += 1
        vml.append(shape)
        self.shapes[(row, col)] = shape
        self.changed = True

    def remove(self, row: int, col: int) -> None:
        self._load()
        shape = self.shapes.pop((row, col), None)
        if shape is not None:
            shape.getparent().remove(shape)
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        data = etree.tostring(self.vml, encoding="UTF-8", xml_declaration=False)  # as Excel
        empty = next(self.vml.iter(f"{{{V_NS}}}shape"), None) is None
        if self.name is not None and not empty:
            self.pkg.write(self.name, data)
        elif self.name is not None:  # nothing left to draw
            _unlink(self.pkg, self.part, self.rels, self.types, self.name)
            self.root.remove(self.element)
        elif not empty:
            name = _free_name(self.pkg, "xl/drawings/commentsDrawing{}.vml")
            self.pkg.add(name, data)
            rid = _link(self.rels, self.types, name, VML_TYPE, VML_CONTENT)
            element = etree.Element(_N + "legacyDrawing", nsmap={"r": R_NS})
            element.set(_R_ID, rid)
            place(self.root, element)


def _number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise Unsupported(f"{text!r} where a number belongs in the notes") from None


def _free_name(pkg: Package, pattern: str) -> str:
    number = 1
    while pkg.has(pattern.format(number)):
        number += 1
    return pattern.format(number)


def _link(rels: Any, types: Any, name: str, rel_type: str, content_type: str) -> str:
    """Relate a new part to the sheet and give it a content type; returns the relationship id."""
    ids = {str(rel.get("Id")) for rel in rels}
    number = len(ids) + 1
    while f"rId{number}" in ids:
        number += 1
    rid = f"rId{number}"
    etree.SubElement(rels, f"{{{PKG_NS}}}Relationship", Id=rid, Type=rel_type, Target="/" + name)
    extension = posixpath.splitext(name)[1][1:].lower()
    defaults = {str(d.get("Extension", "")).lower() for d in types.iter(f"{{{CT_NS}}}Default")}
    if extension == "vml" and extension in defaults:
        return rid
    etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + name, ContentType=content_type)
    return rid


def _unlink(pkg: Package, part: str, rels: Any, types: Any, name: str) -> None:
    """Remove a part, its relationship from the sheet and its content-type override."""
    ids = {r.id for r in pkg.rels(part) if r.target == name and not r.external}
    for rel in list(rels):
        if rel.get("Id") in ids:
            rels.remove(rel)
    for override in list(types.iter(f"{{{CT_NS}}}Override")):
        if str(override.get("PartName", "")).lstrip("/") == name:
            types.remove(override)
    pkg.remove(name)
