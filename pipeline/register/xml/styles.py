"""The workbook's cell formats (xl/styles.xml), extended in place by the XML fast path.

A cell's look is an index into ``cellXfs``. Patching a cell must keep everything a manager
gave it (fill, borders, their font) and change only what the pipeline owns: the number
format, Excel's quote prefix, the link font, the alignment of a new cell. So a new format is
always *derived* from the cell's current one, and an existing identical one is reused.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import BUILTIN_FORMATS

from pipeline.register.layout import Look
from pipeline.register.xml.package import parse

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_N = "{" + NS + "}"


class StyleError(Exception):
    """styles.xml is not laid out as the fast path expects."""


def _as_main(element: Any) -> etree._Element:
    """An openpyxl-built element (no namespace) re-parsed into the spreadsheet namespace.

    Any: openpyxl's stubs type ``to_tree()`` as xml.etree's Element, but with lxml installed
    openpyxl builds lxml elements, which is what ``etree.tostring`` needs.
    """
    text = etree.tostring(element).decode()
    return parse(f'<x xmlns="{NS}">{text}</x>'.encode())[0]


def _key(element: etree._Element) -> bytes:
    return bytes(etree.tostring(element, method="c14n"))


class StyleBook:
    """``cellXfs`` with derived formats added on demand; :meth:`to_bytes` if :attr:`changed`."""

    def __init__(self, xml: bytes) -> None:
        self.root = parse(xml)
        self.changed = False
        self._xfs = self._section("cellXfs")
        self._fonts = self._section("fonts")
        self._fills = self._section("fills")
        self._formats = self.root.find(_N + "numFmts")
        self._format_ids = {code: i for i, code in BUILTIN_FORMATS.items()}
        if self._formats is not None:
            for fmt in self._formats:
                self._format_ids[str(fmt.get("formatCode"))] = int(fmt.get("numFmtId", "0"))
        self._xf_index: dict[bytes, int] | None = None
        self._cache: dict[tuple[object, ...], tuple[int, object]] = {}

    def _section(self, tag: str) -> etree._Element:
        found = self.root.find(_N + tag)
        if found is None or len(found) == 0:
            raise StyleError(f"styles.xml has no {tag}")
        return found

    def _append(self, section: etree._Element, element: etree._Element) -> int:
        """Index of an identical entry in ``section``, appending ``element`` if there is none."""
        key = _key(element)
        for index, existing in enumerate(section):
            if _key(existing) == key:
                return index
        section.append(element)
        section.set("count", str(len(section)))
        self.changed = True
        return len(section) - 1

    def _number_format_id(self, code: str) -> int:
        if code in self._format_ids:
            return self._format_ids[code]
        if self._formats is None:
            self._formats = etree.Element(_N + "numFmts")
            self.root.insert(0, self._formats)
        new_id = max([163, *self._format_ids.values()]) + 1
        etree.SubElement(self._formats, _N + "numFmt", numFmtId=str(new_id), formatCode=code)
        self._formats.set("count", str(len(self._formats)))
        self._format_ids[code] = new_id
        self.changed = True
        return new_id

    def has_own_font(self, xf: int) -> bool:
        """Whether the format has a font other than the workbook's default (a manager's, kept)."""
        return int(self._xfs[xf].get("fontId", "0")) != 0

    def derive(
        self,
        base: int,
        *,
        number_format: str | None = None,
        quote: bool | None = None,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
    ) -> int:
        """The index of ``base``'s format with these parts replaced (None: keep them)."""
        # openpyxl's objects hash slowly (by value), so the cache goes by identity; it holds
        # them too, so an id cannot be reused for another object while it is cached
        key = (base, number_format, quote, id(font), id(fill), id(alignment))
        if key in self._cache:
            return self._cache[key][0]
        if base >= len(self._xfs):
            raise StyleError(f"cell format {base} is not in styles.xml")
        original = self._xfs[base]
        xf = copy.deepcopy(original)
        if number_format is not None:
            fmt = self._number_format_id(number_format)
            if int(xf.get("numFmtId", "0")) != fmt:
                xf.set("numFmtId", str(fmt))
                xf.set("applyNumberFormat", "1")
        if quote is not None and (xf.get("quotePrefix") in ("1", "true")) != quote:
            xf.set("quotePrefix", "1" if quote else "0")
        if font is not None:
            xf.set("fontId", str(self._append(self._fonts, _as_main(font.to_tree()))))
            xf.set("applyFont", "1")
        if fill is not None:
            xf.set("fillId", str(self._append(self._fills, _as_main(fill.to_tree()))))
            xf.set("applyFill", "1")
        if alignment is not None:
            for old in xf.findall(_N + "alignment"):
                xf.remove(old)
            xf.insert(0, _as_main(alignment.to_tree()))
            xf.set("applyAlignment", "1")
        index = base if _key(xf) == _key(original) else self._find_or_add(xf)
        self._cache[key] = (index, (font, fill, alignment))
        return index

    def _find_or_add(self, xf: etree._Element) -> int:
        if self._xf_index is None:
            self._xf_index = {}
            for index, existing in enumerate(self._xfs):
                self._xf_index.setdefault(_key(existing), index)
        key = _key(xf)
        if key not in self._xf_index:
            self._xfs.append(xf)
            self._xfs.set("count", str(len(self._xfs)))
            self._xf_index[key] = len(self._xfs) - 1
            self.changed = True
        return self._xf_index[key]

    def look(self, look: Look, quote: bool = False) -> int:
        """The format for a cell of the History or Dashboard sheets."""
        return self.derive(
            0,
            number_format=look.number_format,
            quote=quote,
            font=look.font,
            fill=look.fill,
            alignment=look.alignment,
        )

    def to_bytes(self) -> bytes:
        return bytes(etree.tostring(self.root, xml_declaration=True, encoding="UTF-8"))
