"""Crafting hostile and broken Office packages for the safety gate's tests, and ``reject``,
which asserts the gate refuses a file with one of its fixed reasons and advice.

Shared by tests/safety/test_check_*.py (the guarded worker run as a script included); it
writes files and asserts the gate's answer, it holds no tests itself.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.errors import RejectedFile
from pipeline.safety import reasons
from pipeline.safety.check import check_file
from pipeline.safety.limits import Limits
from tests.helpers.packages import package_bytes
from tests.helpers.packages import package_parts as members

REASONS = {
    reasons.ENCRYPTED,
    reasons.OLD_FORMAT,
    reasons.MACROS,
    reasons.DAMAGED,
    reasons.UNSAFE,
    reasons.TOO_LARGE,
}
CT = "[Content_Types].xml"
DOC = "word/document.xml"
DOC_RELS = "word/_rels/document.xml.rels"
SHEET = "xl/worksheets/sheet1.xml"


def valid_reason(reason: str) -> bool:
    return reason in REASONS or (
        reason.startswith(f"{reasons.NOT_OURS}: ") and len(reason) > len(reasons.NOT_OURS) + 2
    )


DEFAULT = Limits()


def reject(path: Path, limits: Limits = DEFAULT) -> RejectedFile:
    with pytest.raises(RejectedFile) as info:
        check_file(path, limits)
    assert valid_reason(info.value.reason), info.value.reason
    assert info.value.advice
    return info.value


def rewrite(
    source: Path, target: Path, changes: dict[str, bytes | None], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Copy an Office package, replacing (bytes), adding or dropping (None) members."""
    parts = members(source)
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    package_bytes(parts, target, method)
    return target


def add_link(docx_file: Path, target: Path, kind: str, to: str, external: bool = False) -> Path:
    """A copy of ``docx_file`` whose document also links to ``to`` (a ``kind`` relationship)."""
    mode = ' TargetMode="External"' if external else ""
    rels = members(docx_file)[DOC_RELS].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{to}"{mode}/></Relationships>'.encode(),
    )
    return rewrite(docx_file, target, {DOC_RELS: rels})


def add_override(package: Path, part: str, ctype: str) -> bytes:
    types = members(package)[CT]
    return types.replace(
        b"</Types>", f'<Override PartName="{part}" ContentType="{ctype}"/></Types>'.encode()
    )
