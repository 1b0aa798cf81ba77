"""Pictures in a Word form: the image, Word's alt text ("Description") and its size.

A process diagram in a policy is content: it must reach the published document with its
alt text, or the officer must be told it did not. This finds each ``w:drawing`` picture in a
paragraph; what it cannot carry (a chart, a shape, a picture linked to a file outside the
form) is named so the reader can say so. A text box is not a drawing here: its paragraphs
are read as text where it stands (:func:`pipeline.forms.docx_blocks.text_boxes`).

It never follows a link outside the form (``r:link``), and never reads comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from docx.oxml.ns import qn

from pipeline.forms.docx_blocks import W_P, W_TXBX, in_fallback
from pipeline.forms.docx_package import Element
from pipeline.forms.docx_styles import DocContext
from pipeline.records import Figure

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BLIP = f"{{{_A}}}blip"
_DOC_PR = f"{{{_WP}}}docPr"
_EXTENT = f"{{{_WP}}}extent"
_PICTURE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp"})


@dataclass(frozen=True)
class Drawings:
    """The pictures of one paragraph, and what in it could not be carried."""

    figures: tuple[Figure, ...] = ()
    not_carried: tuple[str, ...] = ()


def paragraph_drawings(p: Element, ctx: DocContext) -> Drawings:
    """Every ``w:drawing`` in the paragraph ``p``, as figures or as things not carried."""
    figures: list[Figure] = []
    lost: list[str] = []
    for drawing in p.iter(qn("w:drawing"), qn("w:pict")):
        if in_fallback(drawing, p):
            continue  # Word's copy for old readers of the drawing just found
        if (
            next(drawing.iterancestors(W_P), None) is not p
            or drawing.find(f".//{W_TXBX}") is not None
        ):
            continue  # a text box, or in one: its paragraphs are read as the section's text
        if drawing.tag == qn("w:pict"):
            lost.append("an old-style (VML) picture or shape")
            continue
        doc_pr = drawing.find(f".//{_DOC_PR}")
        name = str(doc_pr.get("name", "")) if doc_pr is not None else ""
        blip = drawing.find(f".//{_BLIP}")
        rid = blip.get(f"{{{_R}}}embed") if blip is not None else None
        rel = ctx.package.target(str(rid)) if rid else None
        member = rel.target if rel is not None and not rel.external else None
        suffix = PurePosixPath(member).suffix.lower() if member is not None else ""
        if member is None or suffix not in _PICTURE_TYPES:
            lost.append(f"a drawing, chart or shape{f' ({name})' if name else ''}")
            continue
        extent = drawing.find(f".//{_EXTENT}")
        alt = ""
        if doc_pr is not None:
            alt = str(doc_pr.get("descr") or doc_pr.get("title") or "").strip()
        figures.append(
            Figure(
                image=ctx.package.blob(member),
                filename=PurePosixPath(member).name,
                alt=alt,
                width=int(extent.get("cx", 0)) if extent is not None else 0,
                height=int(extent.get("cy", 0)) if extent is not None else 0,
            )
        )
    return Drawings(tuple(figures), tuple(lost))
