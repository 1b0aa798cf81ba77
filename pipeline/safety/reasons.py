"""What the safety gate tells an officer when it turns a file away.

Every rejection is a fixed ``reason`` phrase (the summary table groups files by it) and
advice a person can follow without help. The wording lives here, apart from the checks,
so that every check says the same thing the same way and the phrases stay a closed set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.errors import RejectedFile

ENCRYPTED = "encrypted or password-protected"
OLD_FORMAT = "old .doc/.xls format: save as .docx/.xlsx"
MACROS = "macro-enabled: save as .docx/.xlsx"
DAMAGED = "damaged file"
UNSAFE = "unsafe content"
TOO_LARGE = "too large"
NOT_OURS = "not one of our forms"  # always followed by ": <what it is>"

RESAVE = "open it in Word or Excel, use File > Save As to save it as a Word Document (.docx) or Excel Workbook (.xlsx), and drop the new file"
ENCRYPTED_ADVICE = "remove the password: open it in Word or Excel, go to File > Info > Protect > Encrypt with Password, clear the password, save, and drop it again"
LINK_ADVICE = "remove the link (in Excel: Data > Edit Links > Break Link), save, and drop it again"
_UNSAFE_ADVICE = "Word and Excel never write this themselves; " + RESAVE
_BROKEN = "it is not a complete Word or Excel file ({}); " + RESAVE


def encrypted(then: str = "") -> RejectedFile:
    """``then`` is a last step for a legacy file ("..., then save it as .docx")."""
    return RejectedFile(ENCRYPTED, ENCRYPTED_ADVICE + then)


def macros() -> RejectedFile:
    return RejectedFile(MACROS, RESAVE)


def old_format() -> RejectedFile:
    return RejectedFile(OLD_FORMAT, RESAVE)


def damaged(what: str) -> RejectedFile:
    return RejectedFile(DAMAGED, _BROKEN.format(what))


def not_ours(what: str, advice: str = RESAVE) -> RejectedFile:
    return RejectedFile(f"{NOT_OURS}: {what}", advice)


def too_large(why: str) -> RejectedFile:
    return RejectedFile(TOO_LARGE, why)


def unsafe(why: str, advice: str = _UNSAFE_ADVICE) -> RejectedFile:
    return RejectedFile(UNSAFE, f"{why}; {advice}")


def mb(n: float) -> str:
    return f"{n / (1024 * 1024):g} MB"


@contextmanager
def damaged_unless_ok(what: str) -> Iterator[None]:
    """Turn any failure of zipfile/lxml on untrusted bytes into "damaged file"."""
    try:
        yield
    except RejectedFile:
        raise
    except Exception as exc:  # zipfile/zlib/lxml raise many types on fuzzed input
        raise damaged(what) from exc
