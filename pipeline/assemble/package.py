"""A rendered document's package: only the parts rendering writes into are serialised.

docxtpl saves through python-docx, which serialises and compresses every part of the
package for every document, the template's styles, theme, font table and settings as much
as the body it rendered. Those parts are the template's, unchanged, so here they are its
own zip entries, compressed once per template and copied as they are
(:mod:`pipeline.zip_parts`); python-docx serialises the rest as its ``save`` did: the body,
headers, footers and footnotes docxtpl rendered, the numbering a restarted lettered list
adds to, the core properties, every relationship part of those, the content types, and
parts rendering added (a figure's picture). Rendering a policy: 30 ms -> 27 ms CPU
(``benchmarks/run.py --stages``), every part byte-identical on the sample forms.

The same parts are shared in memory: each document's copy of the parsed template refers
to the template's own styles, theme, fonts, settings, headers and footers (``SHARED``,
as a ``copy.deepcopy`` memo) instead of copying them, since rendering never writes into
them (docxtpl renders headers and footers into new parts). The relationship parts and the
content types python-docx would build element by element for every document are kept by
what decides them, so a document with the same links and pictures as one before reuses
its text. Together with ``patched``'s passes: a policy renders in 9.6 ms CPU instead of
12.1 ms (figures and commands in ``patched``).

What it refuses: a part is kept only if its content type is one that neither docxtpl nor
the block writer ever writes into (``KEPT``); anything else, including content types it
does not know, is serialised from memory as before, so a change made in memory is never
lost. It never reads the file it wrote back.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

from pipeline.zip_parts import Template

# Parts nothing in rendering writes into: the template's own bytes go into every document.
KEPT = frozenset(
    {
        CT.WML_STYLES,
        CT.OFC_THEME,
        CT.WML_FONT_TABLE,
        CT.WML_SETTINGS,
        CT.WML_WEB_SETTINGS,
        CT.OFC_EXTENDED_PROPERTIES,
    }
)
# Parts each document's copy of the parsed template shares with it instead of copying:
# the kept ones, and the headers and footers, which docxtpl renders into new parts and
# leaves as they were (``DocxTemplate.map_headers_footers_xml``).
SHARED = KEPT | {CT.WML_HEADER, CT.WML_FOOTER}


def kept_parts(package: bytes, document: Any) -> Template:
    """The parts of the template ``package`` (opened as ``document``, not yet rendered)
    that go into every document as they are, with the relationships of those parts."""
    with zipfile.ZipFile(BytesIO(package)) as source:
        present = set(source.namelist())
    kept = set()
    for part in document.part.package.iter_parts():
        if part.content_type in KEPT:
            kept.add(part.partname.membername)
            if len(part.rels):
                kept.add(part.partname.rels_uri.membername)
    return Template(package, kept & present)


def shared_parts(document: Any) -> dict[int, Any]:
    """The parsed template ``document``'s parts no rendering writes into (``SHARED``), as a
    ``copy.deepcopy`` memo: a document's copy refers to these instead of copying them."""
    parts = document.part.package.iter_parts()
    return {id(part): part for part in parts if part.content_type in SHARED}


def has_footnotes(document: Any) -> bool:
    """Whether the parsed template ``document`` has a footnotes part for docxtpl to render
    (rendering adds no part but a figure's picture)."""
    parts = document.part.package.iter_parts()
    return any(part.content_type == CT.WML_FOOTNOTES for part in parts)


def rendered_package(kept: Template, document: Any) -> bytes:
    """The rendered ``document`` as .docx bytes: ``kept``'s entries, then every other
    part serialised by python-docx, as ``Document.save`` writes them."""
    package = document.part.package
    parts = list(package.iter_parts())
    types = tuple((part.partname, part.content_type) for part in parts)
    new = {
        CONTENT_TYPES_URI.lstrip("/"): _serialised(
            types,
            lambda: _ContentTypesItem.from_parts(parts).blob,  # type: ignore[no-untyped-call]
        ),
        PACKAGE_URI.rels_uri.membername: _rels_xml(package.rels),
    }
    for part in parts:
        name = part.partname.membername
        if name not in kept.names:
            new[name] = part.blob
        if len(part.rels) and part.partname.rels_uri.membername not in kept.names:
            new[part.partname.rels_uri.membername] = _rels_xml(part.rels)
    return kept.fill(new)


_SERIALISED: dict[tuple[Any, ...], Any] = {}
_LIMIT = 256  # relationship and content types parts of a few templates, with or without links
_KEEP_BYTES = 64 * 1024  # a part bigger than this (a form's thousand links) is made each time


def _rels_xml(rels: Any) -> Any:
    """``rels.xml`` (python-docx builds it element by element, each relationship's target
    a ``posixpath.relpath``), kept by what decides it: each relationship's id, type, mode
    and target, in order, and the folder targets are relative to."""
    key = tuple(
        (
            rel.rId,
            rel.reltype,
            rel.is_external,
            rel.target_ref if rel.is_external else rel.target_part.partname,
        )
        for rel in rels.values()
    )
    return _serialised((rels._baseURI, *key), lambda: rels.xml)


def _serialised(key: tuple[Any, ...], serialise: Any) -> Any:
    """What ``serialise()`` gives, kept under ``key``, everything that decides it."""
    made = _SERIALISED.get(key)
    if made is None:
        made = serialise()
        if sum(len(str(part)) for part in key) + len(made) <= _KEEP_BYTES:
            if len(_SERIALISED) >= _LIMIT:
                _SERIALISED.clear()
            _SERIALISED[key] = made
    return made
