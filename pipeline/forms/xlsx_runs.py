"""The bold and italic inside an Excel cell, read from the workbook's own XML.

Excel keeps a cell's mixed formatting as runs (``<r><rPr><b/></rPr><t>…</t></r>``) in the
shared strings, or in the cell itself for an inline string. openpyxl can read them
(``load_workbook(rich_text=True)``), but it deletes every ``x005F_`` from the text as it
does, inline strings included, so a literal ``_x0041_`` an officer typed came back as "A"
(the hostile-value property test caught it). So the runs are read here: only for the
sheets a section's text is taken from, once per sheet, with the one hardened parser
(:func:`pipeline.safety.parsers.safe_parser`) on parts the safety gate has already bounded,
and Excel's escapes undone exactly once (:func:`pipeline.forms.clean.excel_unescape`).

It decides nothing about what a cell means and refuses nothing: a part it cannot read
gives no runs, and the cell's plain text (openpyxl's) stands.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from pipeline.forms.clean import excel_unescape
from pipeline.safety.opc import rels_name, target_part
from pipeline.safety.parsers import safe_parser
from pipeline.xml_chars import replace_illegal

log = logging.getLogger(__name__)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OFFICE_DOCUMENT = "/officeDocument"
_SHARED_STRINGS = "/sharedStrings"
_OFF = frozenset({"0", "false", "off"})
_SI, _IS, _C, _V = f"{_MAIN}si", f"{_MAIN}is", f"{_MAIN}c", f"{_MAIN}v"
_T, _R, _RPR, _B, _I = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}rPr", f"{_MAIN}b", f"{_MAIN}i"

# A stretch of a cell's text: (text, bold, italic); None where the run has no font of its
# own, so the cell's font applies.
Piece = tuple[str, bool | None, bool | None]
Pieces = tuple[Piece, ...]


class CellRuns:
    """Each string cell's pieces: a sheet's XML read when first asked about, a cell's runs
    when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sheets: dict[str, dict[tuple[int, int], etree._Element]] = {}
        self._parser = safe_parser()

    def of(self, title: str, row: int, col: int) -> Pieces | None:
        """The pieces of the cell at zero-based ``row``, ``col``; ``None``: use its plain text."""
        if title not in self._sheets:
            try:
                self._sheets[title] = self._read(title)
            except (KeyError, ValueError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
                log.info("no runs for sheet %r of %s", title, self.path, exc_info=True)
                self._sheets[title] = {}
        string = self._sheets[title].get((row, col))
        return None if string is None else _pieces(string)

    def _read(self, title: str) -> dict[tuple[int, int], etree._Element]:
        """Where each string cell's ``<si>`` or ``<is>`` is, by zero-based (row, column)."""
        with zipfile.ZipFile(self.path) as package:
            names = set(package.namelist())
            workbook = self._target(package, names, "", _OFFICE_DOCUMENT)
            if workbook is None:
                return {}
            root = self._parse(package, workbook)
            rid = next(
                (s.get(_R_ID) for s in root.iter(f"{_MAIN}sheet") if s.get("name") == title), None
            )
            sheet = self._target(package, names, workbook, None, rid)
            if sheet is None:
                return {}
            strings = self._shared(package, names, workbook)
            out: dict[tuple[int, int], etree._Element] = {}
            for cell in self._parse(package, sheet).iter(_C):
                ref, kind = cell.get("r"), cell.get("t")
                if ref is None or kind not in ("s", "inlineStr"):
                    continue
                string = next((c for c in cell if c.tag in (_V, _IS)), None)
                if string is not None and kind == "s":
                    text = string.text or ""
                    index = int(text) if text.isdigit() else -1
                    string = strings[index] if 0 <= index < len(strings) else None
                if string is not None:
                    letters, number = coordinate_from_string(ref)
                    out[(number - 1, column_index_from_string(letters) - 1)] = string
            return out

    def _shared(
        self, package: zipfile.ZipFile, names: set[str], workbook: str
    ) -> list[etree._Element]:
        part = self._target(package, names, workbook, _SHARED_STRINGS)
        return [] if part is None else list(self._parse(package, part).iter(_SI))

    def _parse(self, package: zipfile.ZipFile, name: str) -> etree._Element:
        return etree.fromstring(package.read(name), self._parser)

    def _target(
        self,
        package: zipfile.ZipFile,
        names: set[str],
        source: str,
        kind: str | None,
        rid: str | None = None,
    ) -> str | None:
        """The part a relationship of ``source`` ("" for the package) points to, by type or id."""
        rels = rels_name(source)
        if rels not in names:
            return None
        for rel in self._parse(package, rels).iter(f"{_RELS}Relationship"):
            matches = rel.get("Id") == rid if kind is None else rel.get("Type", "").endswith(kind)
            if not matches:
                continue
            path = target_part(source, rel.get("Target", ""))
            return path if path in names else None
        return None


def _pieces(string: etree._Element) -> Pieces:
    """An ``<si>`` or ``<is>``: its plain ``<t>``, or its runs; phonetic guides left out."""
    out: list[Piece] = []
    for child in string:
        if child.tag == _T:
            return ((_text(child), None, None),)
        if child.tag != _R:
            continue  # <rPh>, <phoneticPr>: the reading of East Asian text, not the text
        text, bold, italic = "", None, None
        for part in child:
            if part.tag == _T:
                text = _text(part)
            elif part.tag == _RPR:  # a run's own font: what it does not say is off
                bold = any(_on(p) for p in part if p.tag == _B)
                italic = any(_on(p) for p in part if p.tag == _I)
        out.append((text, bold, italic))
    return tuple(out)


def _on(element: etree._Element) -> bool:
    return str(element.get("val", "1")).lower() not in _OFF


def _text(element: etree._Element) -> str:
    return replace_illegal(excel_unescape(element.text or ""))
