"""The ``PipelineForm`` marker the blank forms carry, read and written.

A Word form carries a custom document property ``PipelineForm`` (docProps/custom.xml); an
Excel form carries a workbook defined name ``PipelineForm`` whose value is a constant string
(``="policy"``). The value is the framework's form key. Officers never see either, both
survive Save As, and they let the reader skip guessing from the content.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from pipeline.forms.common import MARKER_NAME
from pipeline.forms.docx_package import RT_CUSTOM_PROPERTIES, WordPackage
from pipeline.safety.parsers import safe_parser

_CUSTOM_PART = "/docProps/custom.xml"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_MAX_PART = 1024 * 1024
_PARSER = safe_parser()


def read_marker_docx(package: WordPackage) -> str | None:
    """The ``PipelineForm`` custom property's value, or ``None``."""
    name = package.package_part(RT_CUSTOM_PROPERTIES)
    if name is None or package.size(name) > _MAX_PART:
        return None
    root = package.xml(name)
    for prop in root:
        if str(prop.get("name", "")).strip().lower() == MARKER_NAME.lower():
            text = "".join(t for t in prop.itertext() if isinstance(t, str)).strip()
            return text or None
    return None


def write_marker_docx(document: DocxDocument, key: str) -> None:
    """Give a Word document the ``PipelineForm`` property (blank forms and tests)."""
    # lxml takes None as the default namespace's key beside prefixes; lxml-stubs 0.5 does not
    nsmap = {None: _CUSTOM_NS, "vt": _VT_NS}
    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap=nsmap)  # type: ignore[arg-type]
    prop = etree.SubElement(
        root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid="2", name=MARKER_NAME
    )
    etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = key
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = document.part.package
    part = Part(PackURI(_CUSTOM_PART), _CUSTOM_CT, blob, package)
    package.relate_to(part, RT_CUSTOM_PROPERTIES)


def read_marker_xlsx(workbook: Workbook) -> str | None:
    """The ``PipelineForm`` defined name's constant value, or ``None``."""
    names: Any = workbook.defined_names
    for name, defined in list(names.items()):
        if str(name).lower() == MARKER_NAME.lower():
            value = str(defined.attr_text or "").strip().lstrip("=").strip()
            return value.strip('"').strip() or None
    return None


def write_marker_xlsx(workbook: Workbook, key: str) -> None:
    """Give a workbook the ``PipelineForm`` defined name (blank forms and tests)."""
    workbook.defined_names[MARKER_NAME] = DefinedName(MARKER_NAME, attr_text=f'"{key}"')
