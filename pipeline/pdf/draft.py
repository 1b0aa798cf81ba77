"""The DRAFT watermark, and the tagged DRAFT line a screen reader hears instead.

The watermark is an artifact: drawn on every page, skipped by screen readers, untouched
structure tree. Because it is skipped, a DRAFT also gets one real "DRAFT" line at the top of
its first page, tagged ``/P`` and first in reading order (:func:`pipeline.pdf.structure.
tag_first_line`). Refuses to touch the pages' own content streams: it only adds its own.
"""

from __future__ import annotations

import math

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from pipeline.pdf.structure import tag_first_line
from pipeline.pdf.update import PdfUpdate

_PT_PER_MM = 72 / 25.4
_STAMP_FONT = "/PipelineDraftFont"
_STAMP_GS = "/PipelineDraftGS"

# --- the stamp --------------------------------------------------------------------------
#
# The stamp is drawn with a tiny Type 3 font whose five glyphs (D, R, A, F, T) are stroked
# paths defined right here. A Type 3 font carries its glyphs inside the PDF, so the "all
# fonts embedded" rule of PDF/A and PDF/UA still holds without shipping a font file, and its
# ToUnicode map keeps "DRAFT" extractable as text. The stamp is marked content of type
# /Artifact so screen readers skip it and the structure tree is untouched.

_GLYPH_ADVANCE = 640
_GLYPHS: dict[str, str] = {
    "D": "60 0 m 60 700 l 260 700 l 490 700 500 520 500 350 c 500 180 490 0 260 0 c h S",
    "R": "60 0 m 60 700 l 300 700 l 500 700 500 370 300 370 c 60 370 l S 270 370 m 500 0 l S",
    "A": "40 0 m 290 700 l 540 0 l S 130 250 m 450 250 l S",
    "F": "60 0 m 60 700 l 500 700 l S 60 370 m 400 370 l S",
    "T": "20 700 m 560 700 l S 290 700 m 290 0 l S",
}
_TOUNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /PipelineDraft def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
5 beginbfchar <41> <0041> <44> <0044> <46> <0046> <52> <0052> <54> <0054> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end"""


def _draft_font(update: PdfUpdate) -> IndirectObject:
    procs = DictionaryObject()
    for char, path in _GLYPHS.items():
        glyph = f"{_GLYPH_ADVANCE} 0 -20 -60 600 760 d1 90 w 1 J 1 j {path}"
        procs[NameObject(f"/{char}")] = update.add_stream(glyph.encode("ascii"))
    first, last = ord("A"), ord("T")
    widths = [_GLYPH_ADVANCE if chr(c) in _GLYPHS else 0 for c in range(first, last + 1)]
    differences: list[PdfObject] = []
    for char in sorted(_GLYPHS):
        differences += [NumberObject(ord(char)), NameObject(f"/{char}")]
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type3"),
            NameObject("/Name"): NameObject("/PipelineDraft"),
            NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in (-20, -60, 600, 760)]),
            NameObject("/FontMatrix"): ArrayObject(
                [FloatObject(v) for v in (0.001, 0, 0, 0.001, 0, 0)]
            ),
            NameObject("/CharProcs"): procs,
            NameObject("/Encoding"): DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Encoding"),
                    NameObject("/Differences"): ArrayObject(differences),
                }
            ),
            NameObject("/FirstChar"): NumberObject(first),
            NameObject("/LastChar"): NumberObject(last),
            NameObject("/Widths"): ArrayObject([NumberObject(w) for w in widths]),
            NameObject("/Resources"): DictionaryObject(),
            NameObject("/ToUnicode"): update.add_stream(_TOUNICODE),
        }
    )
    return update.add(font)


def _stamp_content(width: float, height: float, x0: float, y0: float) -> bytes:
    """Content drawing DRAFT across the page diagonal, centred, about 60% of its length."""
    angle = math.atan2(height, width)
    size = 0.6 * math.hypot(width, height) / (len("DRAFT") * _GLYPH_ADVANCE / 1000)
    cos, sin = math.cos(angle), math.sin(angle)
    half_w, half_h = len("DRAFT") * _GLYPH_ADVANCE * size / 2000, 350 * size / 1000
    tx = x0 + width / 2 - (cos * half_w - sin * half_h)
    ty = y0 + height / 2 - (sin * half_w + cos * half_h)
    return (
        f"\nQ q /Artifact <</Type /Pagination /Subtype /Watermark>> BDC {_STAMP_GS} gs "
        f"0.55 0.55 0.55 RG 0.55 0.55 0.55 rg BT {_STAMP_FONT} {size:.2f} Tf "
        f"{cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} {tx:.2f} {ty:.2f} Tm (DRAFT) Tj ET EMC Q\n"
    ).encode("ascii")


def _stamp_draft(update: PdfUpdate) -> list[PageObject]:
    """Add the DRAFT watermark on top of every page, leaving the page's own content streams as-is.

    The original streams are kept byte for byte (their marked-content ids tie them to the
    structure tree); the page's content becomes [``q``, original..., ``Q`` + stamp].
    """
    font = _draft_font(update)
    gstate = update.add(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/ExtGState"),
                NameObject("/ca"): FloatObject(0.35),
                NameObject("/CA"): FloatObject(0.35),
            }
        )
    )
    save = update.add_stream(b"q\n")
    pages = update.edit_pages()
    for page in pages:
        resources = update.edit_entry(page, "/Resources")
        update.edit_entry(resources, "/Font")[NameObject(_STAMP_FONT)] = font
        update.edit_entry(resources, "/ExtGState")[NameObject(_STAMP_GS)] = gstate
        box = page.cropbox
        stamp = update.add_stream(
            _stamp_content(float(box.width), float(box.height), float(box.left), float(box.bottom)),
        )
        old = page.raw_get("/Contents") if "/Contents" in page else None
        old_obj = old.get_object() if old is not None else None
        parts: list[PdfObject] = [save]
        if isinstance(old_obj, ArrayObject):
            parts += list(old_obj)
        elif old is not None:
            parts.append(old)
        parts.append(stamp)
        page[NameObject("/Contents")] = ArrayObject(parts)
    return pages


def stamp(update: PdfUpdate) -> None:
    """The watermark on every page and the tagged DRAFT line on the first."""
    pages = _stamp_draft(update)
    if not pages:
        return
    box = pages[0].cropbox
    x, y = float(box.left) + 25 * _PT_PER_MM, float(box.top) - 10 * _PT_PER_MM
    tag_first_line(
        update,
        pages[0],
        f"q /P <</MCID %MCID%>> BDC 0.647 0.055 0.055 RG 0.647 0.055 0.055 rg BT "
        f"{_STAMP_FONT} 12 Tf 1 0 0 1 {x:.2f} {y:.2f} Tm (DRAFT) Tj ET EMC Q\n".encode("ascii"),
    )
