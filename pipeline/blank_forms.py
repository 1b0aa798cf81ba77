"""The blank forms officers fill in (``pipeline forms DIR``), one Word and one Excel per type.

The forms are generated from the framework, never drawn by hand, so the labels, choices and
help officers see are exactly the ones the reader and the validator expect; a council that
edits its framework file regenerates its forms. Each file carries its form type (the marker)
so the reader need not guess from the words.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from pipeline.blank_docx import CUSTOM_PROPS_NS, MARKER_NAME, VT_NS, write_docx
from pipeline.blank_xlsx import write_xlsx
from pipeline.framework import Framework

__all__ = ["MARKER_NAME", "read_marker", "write_blank_forms"]

_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_blank_forms(framework: Framework, out_dir: Path) -> list[Path]:
    """Write ``<key>.docx`` and ``<key>.xlsx`` for every form type; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for key, form in framework.forms.items():
        written.append(write_docx(framework, form, out_dir / f"{key}.docx"))
        written.append(write_xlsx(framework, form, out_dir / f"{key}.xlsx"))
    return written


def read_marker(path: Path) -> str | None:
    """The form type a blank form was made for, or ``None`` when the file carries none.

    Reads the zip directly (no python-docx or openpyxl) so it is cheap and tolerant: a
    file that is not an Office package, or has no marker, simply gives ``None``.
    """
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "word/document.xml" in names:
                return _docx_marker(package)
            if "xl/workbook.xml" in names:
                return _xlsx_marker(package.read("xl/workbook.xml"))
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return None
    return None


def _docx_marker(package: zipfile.ZipFile) -> str | None:
    rels = ElementTree.fromstring(package.read("_rels/.rels"))
    for rel in rels.iter(f"{{{_PKG_RELS_NS}}}Relationship"):
        if rel.get("Type") == _CUSTOM_REL:
            target = rel.get("Target", "").lstrip("/")
            props = ElementTree.fromstring(package.read(target))
            for prop in props.iter(f"{{{CUSTOM_PROPS_NS}}}property"):
                if prop.get("name") == MARKER_NAME:
                    value = prop.find(f"{{{VT_NS}}}lpwstr")
                    text = (value.text or "").strip() if value is not None else ""
                    return text or None
    return None


def _xlsx_marker(workbook_xml: bytes) -> str | None:
    root = ElementTree.fromstring(workbook_xml)
    for name in root.iter(f"{{{_SHEET_NS}}}definedName"):
        if name.get("name") == MARKER_NAME and name.get("localSheetId") is None:
            text = (name.text or "").strip()
            if len(text) >= 2 and text[0] == text[-1] == '"':
                return text[1:-1] or None
    return None
