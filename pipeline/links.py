"""The one rule for which addresses may become links in a published document.

A Word document (``assemble``) and a web page (``html``) are made from the same record, so
whether an officer's address becomes a link must not depend on which one is being written:
it is decided here, below both. Refuses anything but http, https and mailto.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_href(href: str | None) -> str | None:
    """The address when it may be a link (http, https, mailto); ``None`` for anything else.

    ``javascript:``, ``file:`` and relative addresses are written as plain text: a
    published policy must never carry a link that runs code or points into someone's disk.
    """
    if not href:
        return None
    address = _ILLEGAL.sub("", href.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not address.lower().startswith(SAFE_SCHEMES) or len(address) <= len("mailto:"):
        return None
    return re.sub(r"\s", lambda m: "%20" if m.group() == " " else "", address)
