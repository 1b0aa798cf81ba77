"""A docxtpl template that cleans each part's XML for Jinja once per process, not per render.

Before Jinja sees a template part (the body, a header, a footer), docxtpl's ``patch_xml``
runs some twenty regular expressions over the whole part: 7.9 ms for the policy template's
body on every document (``make bench`` row g). The result depends only on the part's XML,
which is the same from one render to the next, so it is kept, keyed by that XML: a changed
template is a new key. It changes nothing docxtpl does with the result, and keeps at most
``LIMIT`` parts.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from docxtpl import DocxTemplate

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
