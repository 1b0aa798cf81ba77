"""The Register sheet's fast path: write our cells straight into the sheet XML.

Does what :func:`pipeline.register.workbook._update_register` does through openpyxl (same cells,
values, formats, links, table, highlighting and drop-down ranges) but touches only the XML
of the rows it writes; every other row, and everything a manager added, is carried across
as it was; the pipeline's own notes are kept by :mod:`pipeline.register.notes`. Anything it
cannot do exactly as openpyxl would (a missing column header, merged cells, a table whose
columns need renaming, rules a manager has reordered) raises :class:`Unsupported`, and the
sync goes through openpyxl instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from lxml import etree
from openpyxl.utils import get_column_letter as column_letter

from pipeline.register.cells import (
    COLUMNS,
    Column,
    Content,
    PolicyRows,
    content,
    formula_like,
    header_key,
    ref_key,
    stored,
)
from pipeline.register.layout import CENTRE_TOP, LINK_FONT, TOP, review_date, review_state
from pipeline.register.notes import Notes
from pipeline.register.xml.package import (
    NS,
    PKG_NS,
    R_NS,
    Package,
    Unsupported,
    excel_number,
    place,
    split_ref,
)
from pipeline.register.xml.styles import StyleBook

_N = "{" + NS + "}"
_NS = {"m": NS}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
HYPERLINK_TYPE = R_NS + "/hyperlink"


def shared_strings(pkg: Package) -> list[str]:
    """The workbook's shared strings (Excel stores text there; openpyxl writes it inline)."""
    found = pkg.related("xl/workbook.xml", "sharedStrings")
    if not found:
        return []
    out = []
    for item in pkg.xml(found[0]):
        runs = [t for t in item.iter(_N + "t") if _parent_tag(t) != _N + "rPh"]  # not phonetics
        out.append("".join(t.text or "" for t in runs))
    return out


def _parent_tag(element: etree._Element) -> str:
    parent = element.getparent()
    return str(parent.tag) if parent is not None else ""


def cell_value(cell: etree._Element, strings: list[str]) -> Any:
    """A cell's value as openpyxl would read it, for headers and references."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_N + "t"))
    v = cell.find(_N + "v")
    if v is None or v.text is None:
        return None
    if kind == "s":
        index = int(v.text)
        if not 0 <= index < len(strings):
            raise Unsupported(f"a cell names shared string {index} of {len(strings)}")
        return strings[index]
    if kind in ("str", "e"):
        return v.text
    if kind == "b":
        return v.text == "1"
    try:
        return int(v.text)
    except ValueError:
        return float(v.text)


def _number_text(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        value = excel_number(value)
    return str(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)


def _holds(cell: etree._Element, value: Any, style: int) -> bool:
    """True if the cell already is what :func:`set_value` would make it.

    Most of a sync's cells are unchanged; checking is far cheaper than rebuilding them, and
    an unchanged cell then keeps its XML exactly as it was.
    """
    if cell.get("s", "0") != str(style) or "cm" in cell.attrib or "vm" in cell.attrib:
        return False
    children = list(cell)
    if value is None or value == "":
        return not any(c.tag in (_N + "v", _N + "f", _N + "is") for c in children)
    if len(children) != 1:
        return False
    child = children[0]
    if isinstance(value, str):
        texts = list(child.iter(_N + "t"))
        return (
            cell.get("t") == "inlineStr"
            and child.tag == _N + "is"
            and len(texts) == 1
            and texts[0].text == value
            and (value == value.strip() or texts[0].get(XML_SPACE) == "preserve")
        )
    return bool(
        cell.get("t", "n") == "n" and child.tag == _N + "v" and child.text == _number_text(value)
    )


def set_value(cell: etree._Element, value: Any, style: int) -> None:
    """Replace the cell's value (never a formula: text stays text) and its format."""
    value = stored(value)
    if _holds(cell, value, style):
        return
    for child in list(cell):
        if child.tag in (_N + "v", _N + "f", _N + "is"):
            cell.remove(child)
    for attr in ("t", "cm", "vm"):
        cell.attrib.pop(attr, "")
    if style:
        cell.set("s", str(style))
    else:
        cell.attrib.pop("s", "")
    if value is None or value == "":  # openpyxl writes "" as an empty cell too
        return
    if isinstance(value, str):
        cell.set("t", "inlineStr")
        text = etree.Element(_N + "t")
        text.text = value
        if value != value.strip():
            text.set(XML_SPACE, "preserve")
        inline = etree.Element(_N + "is")
        inline.append(text)
        cell.insert(0, inline)
        return
    v = etree.Element(_N + "v")
    v.text = _number_text(value)
    cell.insert(0, v)


class Sheet:
    """The Register sheet's rows, found and created in order, with their cells."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        data = root.find(_N + "sheetData")
        if data is None:
            raise Unsupported("no sheetData")
        self.data = data
        self.rows: dict[int, etree._Element] = {}
        for row in data:
            number = row.get("r")
            if number is None:
                raise Unsupported("a row without its number")
            self.rows[int(number)] = row
        self.order = sorted(self.rows)

    def row(self, number: int) -> etree._Element:
        row = self.rows.get(number)
        if row is None:
            row = etree.Element(_N + "row", r=str(number))
            at = bisect_left(self.order, number)
            if at == len(self.order):
                self.data.append(row)
            else:
                self.rows[self.order[at]].addprevious(row)
            self.order.insert(at, number)
            self.rows[number] = row
        row.attrib.pop("spans", "")  # a hint Excel recomputes; ours may now be wrong
        return row

    @staticmethod
    def cells(row: etree._Element) -> dict[int, etree._Element]:
        out = {}
        for cell in row:
            ref = cell.get("r")
            if ref is None:
                raise Unsupported("a cell without its reference")
            out[split_ref(ref)[1]] = cell
        return out

    @staticmethod
    def cell(row: etree._Element, cells: dict[int, etree._Element], col: int) -> etree._Element:
        found = cells.get(col)
        if found is None:
            found = etree.Element(_N + "c", r=f"{column_letter(col)}{row.get('r')}")
            later = [c for c in cells if c > col]
            if later:
                cells[min(later)].addprevious(found)
            else:
                row.append(found)
            cells[col] = found
        return found


class Links:
    """The sheet's hyperlinks and their relationships, edited together."""

    def __init__(self, pkg: Package, part: str, root: etree._Element) -> None:
        self.pkg, self.root = pkg, root
        self.rels_name = pkg.rels_name(part)
        if not pkg.has(self.rels_name):
            raise Unsupported("the sheet has no relationships part")
        self.rels = pkg.xml(self.rels_name)
        self.targets = {
            str(rel.get("Id")): str(rel.get("Target"))
            for rel in self.rels
            if rel.get("TargetMode") == "External"
        }
        self.ids = {str(rel.get("Id")) for rel in self.rels}
        found = root.find(_N + "hyperlinks")
        self.element = found if found is not None else etree.Element(_N + "hyperlinks")
        self.by_ref = {str(h.get("ref")): h for h in self.element}
        self.changed = False

    def set(self, ref: str, target: str | None) -> None:
        current = self.by_ref.get(ref)
        if current is not None:
            rid = current.get(f"{{{R_NS}}}id")
            plain = current.get("location") is None and rid is not None
            if target is not None and plain and self.targets.get(str(rid)) == target:
                return
            self.element.remove(current)
            del self.by_ref[ref]
            self.changed = True
        if target is None:
            return
        number = len(self.ids) + 1
        while f"rId{number}" in self.ids:
            number += 1
        rid = f"rId{number}"
        etree.SubElement(
            self.rels,
            f"{{{PKG_NS}}}Relationship",
            Id=rid,
            Type=HYPERLINK_TYPE,
            Target=target,
            TargetMode="External",
        )
        self.ids.add(rid)
        self.targets[rid] = target
        link = etree.SubElement(self.element, _N + "hyperlink", ref=ref)
        link.set(f"{{{R_NS}}}id", rid)
        self.by_ref[ref] = link
        self.changed = True

    def finish(self) -> None:
        if not self.changed:
            return
        used = {h.get(f"{{{R_NS}}}id") for h in self.element}
        for rel in list(self.rels):
            if rel.get("Type") == HYPERLINK_TYPE and rel.get("Id") not in used:
                self.rels.remove(rel)  # links we replaced: nothing else points at them
        self.pkg.write_xml(self.rels_name, self.rels)
        if len(self.element) and self.element.getparent() is None:
            place(self.root, self.element)
        elif not len(self.element) and self.element.getparent() is not None:
            self.root.remove(self.element)


@dataclass
class Patched:
    """The patched sheet (not yet saved into the package) and what the sync reports."""

    root: etree._Element
    updated: int
    added: int
    last_row: int
    cols: dict[str, int]
    headers: dict[int, Any]


def patch_register(
    pkg: Package,
    styles: StyleBook,
    part: str,
    policies: Iterable[dict[str, Any]],
    base: Path,
    today: date,
    unchanged: Set[str] = frozenset(),
) -> Patched:
    """Write our cells for every policy's row(s), adding rows for new policies at the bottom.

    The rows of policies in ``unchanged`` (already as this sync would write them) are found
    but not touched.
    """
    root = pkg.xml(part)
    if root.find(_N + "mergeCells") is not None:
        raise Unsupported("merged cells")
    sheet = Sheet(root)
    strings = shared_strings(pkg)
    found: dict[str, int] = {}
    headers: dict[int, Any] = {}
    for col, cell in Sheet.cells(sheet.row(1)).items():
        value = cell_value(cell, strings)
        if value is not None:
            headers[col] = value
            found.setdefault(header_key(value), col)
    cols = {}
    for column in COLUMNS:
        if header_key(column.header) not in found:
            raise Unsupported(f"no {column.header} column")
        cols[column.key] = found[header_key(column.header)]
    placing = _placing(root, column_letter(cols["ref"]), strings)

    links = Links(pkg, part, root)
    notes = Notes(pkg, part)
    for policy in policies:
        known = ref_key(policy["ref"]) in placing.by_ref
        numbers = placing.rows(policy)
        if known and policy["ref"] in unchanged:
            continue
        review = review_state(review_date(policy), today)
        specs = [(column, content(column, policy, base, review)) for column in COLUMNS]
        for number in numbers:
            row = sheet.row(number)
            cells = Sheet.cells(row)
            for column, spec in specs:
                _write(row, cells, cols[column.key], column, spec, styles, links, notes)
    links.finish()
    notes.finish(root)  # after the links: both edit the sheet's relationships
    return Patched(root, placing.updated, placing.added, max(placing.last, 2), cols, headers)


def _placing(root: etree._Element, ref_letter: str, strings: list[str]) -> PolicyRows:
    """Every row holding something, and each Reference cell's value.

    The rows holding a value are found by XPath (in lxml, not a Python scan of every cell);
    a row's Reference cell is nearly always where the pipeline wrote it, so it is looked for
    by its reference among the row's first cells before the whole row is searched.
    """
    placing = PolicyRows()
    rows = cast(list[etree._Element], root.xpath("m:sheetData/m:row[m:c/*]", namespaces=_NS))
    for row in rows:
        number = str(row.get("r"))
        wanted = ref_letter + number
        cell = next((c for c in row if c.get("r") == wanted), None)
        placing.seen(
            int(number), cell_value(cell, strings) if cell is not None and len(cell) else None
        )
    return placing


def _write(
    row: etree._Element,
    cells: dict[int, etree._Element],
    col: int,
    column: Column,
    spec: Content,
    styles: StyleBook,
    links: Links,
    notes: Notes,
) -> None:
    cell = Sheet.cell(row, cells, col)
    ref = str(cell.get("r"))
    if spec.own_comment:
        notes.set(ref, spec.comment)
    base = int(cell.get("s", "0"))
    font = None
    if column.kind == "link":
        links.set(ref, spec.link)
        if spec.link is not None and not styles.has_own_font(base):
            font = LINK_FONT
    alignment = None
    if base == 0:  # a new cell: one line per policy keeps a sorted, filtered register scannable
        alignment = CENTRE_TOP if column.kind in ("int", "date") else TOP
    style = styles.derive(
        base,
        number_format=spec.number_format,
        quote=formula_like(spec.value),
        font=font,
        alignment=alignment,
    )
    set_value(cell, spec.value, style)
