"""A Word form opened for reading: the main document parsed, every other part when asked.

python-docx's ``Document()`` parses every XML part of the package when it opens it, and
keeps them as its own element classes. Reading a form needs the body, and then asks about
a few other parts: styles (which paragraphs are headings), numbering (bullets), links,
pictures and the ``PipelineForm`` property. The blank forms start from python-docx's
default template, whose ``styles.xml`` is 350 KB of 167 styles, parsed for every form.
Reading the sample policy went from 29.9 to 7.7 ms of CPU with this module (``make bench``
row (g), "policy: read", the README's Speed section; styles kept per process). This
takes the parts the safety gate read and checked (:class:`~pipeline.safety.check.CheckedFile`),
or else opens the zip with the standard library, and parses each part with the gate's
hardened parser (:func:`pipeline.safety.parsers.safe_parser`) only when it is first asked
for. python-docx stays the writer (blank forms, templates, comparison documents).

It refuses to follow a relationship outside the package: an external target is only ever
returned as text (a link's address), never opened, and a part name that does not resolve
to a member of this zip is "no such part". Sizes were checked by the gate before any
reader runs (:mod:`pipeline.safety.package`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from lxml import etree

from pipeline.safety.opc import rels_name, target_part
from pipeline.safety.parsers import safe_parser

_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_OFFICE_DOCUMENT = f"{_DOC_R}/officeDocument"
RT_STYLES = f"{_DOC_R}/styles"
RT_NUMBERING = f"{_DOC_R}/numbering"
RT_CUSTOM_PROPERTIES = f"{_DOC_R}/custom-properties"
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
_PARSER = safe_parser()

Element = Any  # lxml elements: lxml ships no type information


@dataclass(frozen=True)
class Relationship:
    type: str
    target: str  # a member name of the zip, or an external address as written
    external: bool


class WordPackage:
    """One .docx opened for reading (use as a context manager, or :meth:`close`).

    ``parts`` are the members as the safety gate read them (:class:`CheckedFile`), when it
    handed them over: then the file is not opened again and no part inflated twice.
    """

    def __init__(self, path: Path, parts: Mapping[str, bytes] | None = None) -> None:
        self._zip = zipfile.ZipFile(path) if parts is None else None
        self._parts: Mapping[str, bytes] = {} if parts is None else parts
        try:
            self._names = set(self._parts if self._zip is None else self._zip.namelist())
            package_rels = self._relationships("")
            main = next(
                (r for r in package_rels.values() if r.type == RT_OFFICE_DOCUMENT),
                Relationship(RT_OFFICE_DOCUMENT, "word/document.xml", False),
            )
            self.main = main.target
            self._rels = self._relationships(self.main)
            self._package_rels = package_rels
            body = self.xml(self.main).find(_W_BODY) if self.main in self._names else None
        except BaseException:
            self.close()
            raise
        if body is None:
            self.close()
            raise ValueError("the document has no body")
        self.body: Element = body
        self._parsed: dict[str, Element] = {}

    def __enter__(self) -> WordPackage:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def xml(self, name: str) -> Element:
        """The member ``name`` parsed (a ``KeyError`` when the zip has none)."""
        return etree.fromstring(self.blob(name), _PARSER)

    def blob(self, name: str) -> bytes:
        return self._parts[name] if self._zip is None else self._zip.read(name)

    def size(self, name: str) -> int:
        """The member's size unpacked (a ``KeyError`` when the zip has none)."""
        return len(self._parts[name]) if self._zip is None else self._zip.getinfo(name).file_size

    def related(self, rel_type: str) -> str | None:
        """The member name the main document's first relationship of this type points to."""
        return next(
            (r.target for r in self._rels.values() if r.type == rel_type and not r.external),
            None,
        )

    def related_xml(self, rel_type: str) -> Element | None:
        """That member parsed, once; ``None`` when the document has no such part."""
        name = self.related(rel_type)
        if name is None:
            return None
        if name not in self._parsed:
            self._parsed[name] = self.xml(name)
        return self._parsed[name]

    def target(self, rid: str) -> Relationship | None:
        """What the main document's relationship ``rid`` points to, or ``None``."""
        return self._rels.get(rid)

    def relationships_of(self, name: str) -> dict[str, Relationship]:
        """The relationships of the member ``name`` (a notes part's own links), by id."""
        return self._relationships(name)

    def package_part(self, rel_type: str) -> str | None:
        """A package-level part (``docProps/custom.xml``) by its relationship type."""
        return next(
            (
                r.target
                for r in self._package_rels.values()
                if r.type == rel_type and not r.external
            ),
            None,
        )

    def _relationships(self, source: str) -> dict[str, Relationship]:
        links = rels_name(source)
        if links not in self._names:
            return {}
        out: dict[str, Relationship] = {}
        for rel in self.xml(links).iter(f"{{{_PKG_R}}}Relationship"):
            rid, target = rel.get("Id"), rel.get("Target")
            if not rid or target is None:
                continue
            if rel.get("TargetMode") == "External":
                out[rid] = Relationship(str(rel.get("Type", "")), str(target), True)
                continue
            member = target_part(source, str(target))
            if member in self._names:
                out[rid] = Relationship(str(rel.get("Type", "")), member, False)
        return out
