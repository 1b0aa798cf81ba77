"""The characters XML 1.0 cannot hold, and the one character that stands in for them.

NUL, most C0 control characters, U+FFFE, U+FFFF and lone surrogates cannot be written into
a .docx or .xlsx at all. Both the form readers (which replace them and warn the officer)
and the register writers (which must never write a file Excel refuses) need the same set,
so it is defined once, here, below both.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def replace_illegal(text: str) -> str:
    """``text`` with every character XML cannot hold replaced by U+FFFD."""
    return XML_ILLEGAL.sub(REPLACEMENT, text)
