"""docxtpl's work done once per process, not per render: cleaning each part's XML for Jinja
(``PatchingOnce``) and compiling it (``CompilingOnce``); and its "listing" pass done only
where there is something for it to do.

Before Jinja sees a template part (the body, a header, a footer), docxtpl's ``patch_xml``
runs some twenty regular expressions over the whole part: 7.9 ms for the policy template's
body on every document (``make bench`` row g). The result depends only on the part's XML,
which is the same from one render to the next, so it is kept, keyed by that XML: a changed
template is a new key. It changes nothing docxtpl does with the result, and keeps at most
``LIMIT`` parts.

After rendering, docxtpl's ``resolve_listing`` runs three nested regular expressions over
every paragraph and run of the document, to turn a tab, line feed, BEL or form feed in a
value into a tab, line break, paragraph or page break: 12% of rendering a policy (profiled
with pyinstrument), though only a value with such a character needs it, and the section
text never does (it is written with ``w:tab`` and ``w:br``). docxtpl treats each paragraph
on its own, so here it is given only the paragraphs that hold one of those characters,
with the very paragraph pattern it uses; the result is the same, character for character.
"""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar

from docxtpl import DocxTemplate
from jinja2 import Environment, Template

LIMIT = 64  # template parts (body, headers, footers) of a few templates, edited or not
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as resolve_listing's
_LISTING = re.compile("[\t\a\n\f]")  # what resolve_listing replaces


class PatchingOnce(DocxTemplate):  # type: ignore[misc]  # docxtpl is untyped
    _patched: ClassVar[dict[str, str]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def patch_xml(self, src_xml: str) -> str:
        with self._lock:
            patched = self._patched.get(src_xml)
        if patched is None:
            patched = str(super().patch_xml(src_xml))
            with self._lock:
                if len(self._patched) >= LIMIT:
                    self._patched.clear()
                self._patched[src_xml] = patched
        return patched

    def resolve_listing(self, xml: str) -> str:
        if not _LISTING.search(xml):
            return xml
        listing = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: str(listing(m[0])) if _LISTING.search(m[0]) else m[0], xml)


class CompilingOnce(Environment):
    """A Jinja environment that compiles each template source once per process.

    docxtpl hands every render the document's XML as a string (``from_string``), so a plain
    environment recompiled the same template for every document: a fifth of the pipeline's
    own CPU in a batch (py-spy). The source is identical from one render to the next, so the
    compiled template is kept, keyed by that source; a changed template file is a new key.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(  # type: ignore[override]
        self, source: str, globals: dict[str, Any] | None = None, template_class: Any = None
    ) -> Template:
        if globals or template_class is not None:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= LIMIT:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled
