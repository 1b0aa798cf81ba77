"""docxtpl's work done once per process, not per render: cleaning each part's XML for Jinja
(``PatchingOnce``) and compiling it (``CompilingOnce``).

Before Jinja sees a template part (the body, a header, a footer), docxtpl's ``patch_xml``
runs some twenty regular expressions over the whole part: 7.9 ms for the policy template's
body on every document (``make bench`` row g). The result depends only on the part's XML,
which is the same from one render to the next, so it is kept, keyed by that XML: a changed
template is a new key. It changes nothing docxtpl does with the result, and keeps at most
``LIMIT`` parts.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from docxtpl import DocxTemplate
from jinja2 import Environment, Template

LIMIT = 64  # template parts (body, headers, footers) of a few templates, edited or not


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


class CompilingOnce(Environment):
    """A Jinja environment that compiles each template source once per process.

    docxtpl hands every render the document's XML as a string (``from_string``), so a plain
    environment recompiled the same template for every document: a fifth of the pipeline's
    own CPU in a batch (py-spy). The source is identical from one render to the next, so the
    compiled template is kept, keyed by that source; a changed template file is a new key.
    """

    _LIMIT = 64  # template parts (body, headers, footers) of a few templates, edited or not

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
            if len(self._compiled) >= self._LIMIT:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled
