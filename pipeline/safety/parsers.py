"""The one hardened lxml parser, and python-docx and openpyxl made safe for files the gate never saw.

The gate refuses DTDs and entities before any parser runs, but a code path that skipped
it must still not expand an entity or fetch a DTD. :func:`safe_parser` builds the only
lxml parser the pipeline parses XML with (package parts, form markers, the register's
workbook parts), with the same options everywhere; :func:`harden_parsers` checks
python-docx's and openpyxl's parsers by behaviour and repairs or refuses;
:mod:`pipeline.safety.check` runs it at import. It refuses to build a parser that expands
entities, loads a DTD, reaches the network or lifts libxml2's size limits.
"""

from __future__ import annotations

from types import ModuleType

import openpyxl.xml
from lxml import etree

_PARSER_NAME = "oxml_parser"
_PROBE = b'<!DOCTYPE r [<!ENTITY probe "EXPANDED">]><r xmlns="urn:probe">&probe;</r>'


def safe_parser(*, remove_blank_text: bool = False, recover: bool = False) -> etree.XMLParser:
    """A new lxml parser with entities, DTDs, network access and huge trees all off.

    A new one per caller: a parser carries state (an element class lookup, its error log),
    so callers that keep one keep their own. ``remove_blank_text`` only where the caller
    rewrites the XML and wants no layout whitespace; ``recover`` only where the caller stands
    in for a library that parses its own output that way (docxtpl's table pass).
    """
    return etree.XMLParser(
        remove_blank_text=remove_blank_text,
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _resolves_entities(parser: etree.XMLParser) -> bool:
    """Probe a parser by behaviour: lxml does not expose the options it was built with."""
    try:
        root = etree.fromstring(_PROBE, parser)
    except etree.XMLSyntaxError:
        return False
    return any("EXPANDED" in text for text in root.itertext() if isinstance(text, str))


def harden_parsers() -> None:
    """Make sure python-docx and openpyxl are safe even for a file the gate never saw.

    python-docx 1.x builds its lxml parsers with ``resolve_entities=False`` (and lxml's
    defaults already disable DTD loading and network access); if a future version does
    not, its parsers are replaced by safe ones keeping python-docx's element classes.
    openpyxl is only safe with defusedxml active, which we cannot retrofit, so refuse.
    """
    import docx.opc.oxml
    import docx.oxml.parser

    modules: tuple[ModuleType, ...] = (docx.oxml.parser, docx.opc.oxml)
    for module in modules:
        if _resolves_entities(getattr(module, _PARSER_NAME)):
            safe = safe_parser(remove_blank_text=True)
            safe.set_element_class_lookup(module.element_class_lookup)
            setattr(module, _PARSER_NAME, safe)  # parse_xml looks the global up per call
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError(
            "openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set to False?); refusing to read untrusted spreadsheets"
        )
