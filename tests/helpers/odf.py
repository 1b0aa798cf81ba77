"""An OpenDocument text that reaches outside itself, for the converter's tests.

:func:`with_linked_section` adds a section whose content is linked to another file
(``text:section-source``), holding only its cached copy, to a real .odt LibreOffice wrote,
as LibreOffice saves such a section. (The macro-bearing .odt is written by LibreOffice
itself: :func:`tests.helpers.uno_control.with_macro`.)
"""

from __future__ import annotations

import zipfile
from pathlib import Path


def _rewrite(source: Path, target: Path, changes: dict[str, bytes]) -> Path:
    """``source`` with the parts in ``changes`` replaced or added (mimetype first, stored)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        names = old.namelist()
        for name in names:
            data = changes.get(name, old.read(name))
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            new.writestr(name, data, compress_type=kind)
        for name, data in changes.items():
            if name not in names:
                new.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def with_linked_section(odt: Path, target: Path, linked: Path, cached: str) -> Path:
    """``odt`` ending in a section linked to the file ``linked``, showing ``cached`` (what
    the linked file said when the link was last updated)."""
    with zipfile.ZipFile(odt) as z:
        content = z.read("content.xml").decode()
    section = (
        '<text:section text:name="Linked">'
        f'<text:section-source xlink:href="{linked.as_uri()}" xlink:type="simple"/>'
        f"<text:p>{cached}</text:p></text:section>"
    )
    if 'xmlns:xlink="' not in content.split(">", 2)[1]:
        content = content.replace(
            "<office:document-content ",
            '<office:document-content xmlns:xlink="http://www.w3.org/1999/xlink" ',
            1,
        )
    content = content.replace("</office:text>", section + "</office:text>", 1)
    return _rewrite(odt, target, {"content.xml": content.encode()})
