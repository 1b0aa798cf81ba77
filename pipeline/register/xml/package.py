"""The .xlsx package as a zip of XML parts, for the register's fast path.

Loading and saving a 1,000-row register through openpyxl takes longer than a whole batch may
(issue 5), because it rebuilds every cell of every sheet as Python objects. The fast path
instead edits only the parts that change (the sheets, their tables, the chart's ranges,
styles.xml, the Register's notes, which may add or drop a part) and carries every other part
across unchanged: whatever Excel or a manager put there, openpyxl does not have to understand
it for it to survive.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from pipeline.errors import RejectedFile
from pipeline.safety.limits import DEFAULT_LIMITS
from pipeline.safety.opc import rels_name, target_part
from pipeline.safety.package import check_listing
from pipeline.safety.parsers import safe_parser

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# CT_Worksheet's child order, so an element we add goes where Excel expects it
# fmt: off
ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
)
# fmt: on
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
# the register is the council's own file, but a parser never expands entities it declares
PARSER = safe_parser()


def parse(data: bytes) -> etree._Element:
    """An XML part as an lxml element, parsed by the one hardened parser."""
    return etree.fromstring(data, PARSER)


def excel_number(value: date | datetime) -> float:
    """A date as Excel's serial number, as openpyxl writes it (1900 date system)."""
    return float(to_excel(value))  # type: ignore[no-untyped-call]


def place(root: etree._Element, element: etree._Element) -> None:
    """Insert a worksheet child element in its schema position."""
    rank = ORDER.index(etree.QName(element).localname)
    for index, child in enumerate(root):
        name = etree.QName(child).localname
        if name in ORDER and ORDER.index(name) > rank:
            root.insert(index, element)
            return
    root.append(element)


class Unsupported(Exception):
    """The workbook has something the fast path does not handle; openpyxl must do this sync."""


@dataclass(frozen=True)
class Rel:
    """One relationship of a part: its id, type (last path segment), and resolved target."""

    id: str
    type: str
    target: str
    external: bool


@lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    """1 for "A", 27 for "AA"."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def split_ref(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as "B12" or "$B$12"."""
    found = _REF.match(ref)
    if found is None:
        raise Unsupported(f"cell reference {ref!r}")
    return int(found.group(2)), column_index(found.group(1))


def range_ref(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """(first_row, first_col, last_row, last_col) of "A1:V1001" (or a single cell)."""
    first, _, last = ref.partition(":")
    r1, c1 = split_ref(first)
    r2, c2 = split_ref(last or first)
    return r1, c1, r2, c2


def within_limits(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a register that would unpack past the safety gate's limits, before unpacking.

    register.xlsx never passes the gate (the pipeline wrote it), but managers edit it and a
    file saved over it is as untrusted as a dropped form: a zip bomb there would exhaust
    memory before every batch. ``zipfile`` never reads more than a part's declared size, so
    the declared sizes bound what is read. Raises ``BadZipFile``: the callers' "damaged".
    """
    try:
        check_listing(infos, DEFAULT_LIMITS)
    except RejectedFile as exc:
        raise zipfile.BadZipFile(f"register.xlsx {exc.reason}") from None


class Package:
    """The parts of an .xlsx file, read once; changed parts are written back by :meth:`save`."""

    def __init__(self, source: Path | bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            self._infos = zf.infolist()
            within_limits(self._infos)
            self._data = {info.filename: zf.read(info) for info in self._infos}
        self.original = dict(self._data)  # every part as read, for the loss check
        self._changed: dict[str, bytes] = {}
        self._removed: set[str] = set()
        # parsed .rels parts, kept while their bytes are the same object: a sheet's relations
        # list every hyperlink (3 per policy), and four steps of a sync ask for them
        self._rels: dict[str, tuple[bytes, list[Rel]]] = {}

    def has(self, name: str) -> bool:
        return name in self._data and name not in self._removed

    def names(self) -> list[str]:
        """The parts the package holds now, in their saved order."""
        return [i.filename for i in self._infos if i.filename not in self._removed]

    def read(self, name: str) -> bytes:
        if not self.has(name):
            raise Unsupported(f"no part {name}")
        return self._changed.get(name, self._data[name])

    def xml(self, name: str) -> Any:
        return parse(self.read(name))

    def add(self, name: str, data: bytes) -> None:
        """A new part, saved after the existing ones (zip order does not matter to readers)."""
        if name in self._data:
            raise Unsupported(f"part {name} already exists")
        self._data[name] = data
        self._infos.append(zipfile.ZipInfo(name, date_time=time.localtime()[:6]))

    def write(self, name: str, data: bytes) -> None:
        if name not in self._data:
            raise Unsupported(f"no part {name} to write (new parts go through add)")
        if data != self._data[name]:
            self._changed[name] = data
        else:
            self._changed.pop(name, None)

    def write_xml(self, name: str, root: etree._Element) -> None:
        self.write(name, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    def remove(self, name: str) -> None:
        self._removed.add(name)

    rels_name = staticmethod(rels_name)

    def rels(self, part: str) -> list[Rel]:
        """The part's relationships (none if it has no .rels part)."""
        name = self.rels_name(part)
        if not self.has(name):
            return []
        data = self.read(name)
        cached = self._rels.get(name)
        if cached is not None and cached[0] is data:
            return list(cached[1])
        out = []
        for rel in parse(data):
            external = rel.get("TargetMode") == "External"
            target = str(rel.get("Target", ""))
            if not external:
                target = target_part(part, target)
            kind = str(rel.get("Type", "")).rsplit("/", 1)[-1]
            out.append(Rel(str(rel.get("Id")), kind, target, external))
        self._rels[name] = (data, out)
        return list(out)

    def related(self, part: str, kind: str) -> list[str]:
        return [rel.target for rel in self.rels(part) if rel.type == kind and not rel.external]

    def sheets(self) -> dict[str, str]:
        """Sheet name -> worksheet part, from the workbook."""
        workbook = "xl/workbook.xml"
        targets = {rel.id: rel.target for rel in self.rels(workbook)}
        sheets = self.xml(workbook).find(f"{{{NS}}}sheets")
        if sheets is None:
            raise Unsupported("workbook lists no sheets")
        return {
            str(sheet.get("name")): targets.get(str(sheet.get(f"{{{R_NS}}}id")), "")
            for sheet in sheets
        }

    def drop_calc_chain(self) -> None:
        """Excel's formula calculation order names cells; it is rebuilt by Excel if absent."""
        workbook = "xl/workbook.xml"
        chains = self.related(workbook, "calcChain")
        if not chains:
            return
        rels = self.xml(self.rels_name(workbook))
        for rel in list(rels):
            if str(rel.get("Type", "")).endswith("/calcChain"):
                rels.remove(rel)
        self.write_xml(self.rels_name(workbook), rels)
        types = self.xml("[Content_Types].xml")
        for override in list(types):
            if str(override.get("PartName", "")).lstrip("/") in chains:
                types.remove(override)
        self.write_xml("[Content_Types].xml", types)
        for chain in chains:
            self.remove(chain)

    def parts(self) -> dict[str, bytes]:
        """Every part the package holds now, by name."""
        return {name: self.read(name) for name in self.names()}

    def to_bytes(self) -> bytes:
        """The package as an .xlsx file's bytes (see :meth:`save`)."""
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def save(self, dest: Path | BinaryIO) -> None:
        """Write the package to ``dest``: every part in its original order."""
        # level 1: a large register's sheet compresses several times faster, a little larger
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self._infos:
                name = info.filename
                if name in self._removed:
                    continue
                fresh = zipfile.ZipInfo(name, date_time=info.date_time)
                fresh.compress_type = zipfile.ZIP_DEFLATED
                fresh.external_attr = info.external_attr
                out.writestr(fresh, self._changed.get(name, self._data[name]), compresslevel=1)
