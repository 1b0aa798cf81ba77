"""Officers' documents as policy teams write them, built with python-docx for the tests.

:func:`appendix3_policy` is the Personal Budgets Policy exactly as the framework's Appendix 3
prints it (seed 001): the title, the details table with the template's own rows (no "Change
type", no "Sign-off level", no reference) and four numbered sections with the seed's text.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from lxml import etree

TITLE = "Personal Budgets Policy"
# The details table, row by row, as Appendix 3 prints it.
DETAILS = (
    ("Version", "2"),
    ("Strategic Owner", "Sally Slade, Head of Adult Social Care"),
    ("Business owner", "Sarah Mackereth, Principal Social Worker"),
    ("Author", "James Martin, Senior Policy Officer"),
    ("Date of approval and commencement", "December 2015"),
    ("Last review date", "Quarter 3 2015/16"),
    ("Last reviewer", "James Martin, Senior Policy Officer"),
    ("Next review date", "Quarter 3 2017/18"),
    ("Supporting documents", "The Care Act 2014 and associated guidance and regulation"),
)
# The four numbered sections: (kind, text) in order; links are kept as their words.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("heading", "5. Who this policy applies to"),
    (
        "para",
        "5.1 This policy will apply to you if you are an adult over 18 and we have identified that you have eligible social care needs, including support needs as a carer, as set out in The Care Act 2014.",
    ),
    (
        "para",
        "5.2 This policy will also apply to you if you are not entitled to social care funding but we have a duty to, or we agree to arrange your care.",
    ),
    ("heading", "6. Why we have this policy"),
    (
        "para",
        "6.1 The Care Act places personal budgets into law for the first time. This policy sets out how we will deliver personal budgets in Devon and ensure that you have choice and control in the care and support you receive.",
    ),
    (
        "para",
        "6.2 This policy has been developed because of new national legislation that has set out the law relating to personal budgets in terms of what you can expect and how we must act.",
    ),
    ("heading", "7. What the policy will achieve"),
    ("para", "7.1 The aims and objectives of this policy."),
    (
        "item",
        "a) Your personal budget will always be a sufficient amount of money to meet your eligible care and support needs.",
    ),
    (
        "item",
        "b) You will have greater choice, and will be able to control how your eligible care and support needs are met.",
    ),
    ("item", "c) You will be clear about how we have calculated your personal budget."),
    ("heading", "8. The Policy"),
    ("subheading", "A personal budget"),
    (
        "para",
        "8.1 A personal budget is the amount of money we allocate to you to meet your eligible needs. The value of your personal budget will be the cost to us of meeting your needs.",
    ),
    (
        "para",
        "8.2 If you are receiving a service that we must not charge you for such as providing equipment, intermediate care or reablement, or any information and advice, then your personal budget will not include an amount of money for that service.",
    ),
    ("subheading", "Establishing a personal budget"),
    (
        "para",
        "8.3 We will carry out a needs assessment or carers assessment with you, and use the national eligibility criteria set out in the Care Act 2014 to establish if you have eligible needs. If we identify that you have eligible needs we will then work out the value of your personal budget",
    ),
    (
        "para",
        "8.4 If you are a carer, we will be clear in identifying whether a service is provided to you to meet your needs as a carer, or to meet the needs of the person you are caring for. The cost of the service will be added to the appropriate person's personal budget.",
    ),
    (
        "para",
        "8.5 We estimate the value of your personal budget through the Resource Allocation System (RAS). This system estimates the value of your personal budget based on the cost of care and support for other people with similar needs to you. We regularly update the RAS to reflect the current cost of care.",
    ),
    (
        "para",
        "8.6 An estimated personal budget will be identified and shared with you, and anybody else you would like to be involved, at the start of your care and support planning. The final amount of your personal budget will be confirmed through the care and support planning process.",
    ),
    (
        "para",
        "8.7 If your care and support plan can be delivered for less than your estimated budget then your personal budget will be set at that lower amount.",
    ),
    (
        "para",
        "8.8 We will review your personal budget every year, or more often if your needs change. This will be at the same time as we review your care and support needs.",
    ),
    (
        "para",
        "8.9 We will always try to get best value. If we can meet your eligible needs safely and effectively at a lower cost than your existing personal budget, then we may reduce your personal budget to reflect this.",
    ),
    ("subheading", "Choice and control"),
    (
        "para",
        "8.10 To ensure that we can get best value from our limited adult social care budget, and so we can support people in a fair way, we have a Fair and Affordable Care policy that explains how and when we may be able to fund a particular preference you may have, and when we will not be able to do so.",
    ),
    (
        "para",
        "8.11 We also have a Financial Top-Up policy that sets out how and when you can make additional payment to pay for preferred accommodation or providers that we may not be able to fund.",
    ),
    (
        "para",
        "8.12 If you want to arrange some or all of your care and support yourself you may choose to receive all or part of your personal budget as a direct payment. We have a Direct Payments policy that explains how this works in Devon.",
    ),
    (
        "para",
        "8.13 You may want a nominated person to manage your personal budget and your care and support plan on your behalf rather than doing it yourself or asking us to do it; we can support you to make these arrangements.",
    ),
)
PARAGRAPHS = tuple(text for kind, text in SECTIONS if kind != "heading")


def appendix3_policy(
    path: Path, *, title: str = TITLE, details: tuple[tuple[str, str], ...] = DETAILS
) -> Path:
    """Write the Appendix 3 policy to ``path``: Title paragraph, details table, sections."""
    appendix3_document(title, details).save(str(path))
    return path


def appendix3_document(
    title: str = TITLE, details: tuple[tuple[str, str], ...] = DETAILS
) -> WordDocument:
    """The Appendix 3 policy as a python-docx document, for a test to change further."""
    document = Document()
    document.add_paragraph(title, style="Title")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in details:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for kind, text in SECTIONS:
        if kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "subheading":
            document.add_heading(text, level=2)
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    return document


# What tracked_policy adds: kept (inserted), dropped (deleted), and never published (comment).
INSERTED = ("Inserted words one.", "Inserted words two.")
DELETED = ("Deleted words one.", "Deleted words two.")
COMMENT, COMMENTER, REVISER = "Check this with legal first.", "Pat Commenter", "Jo Adams"


def _revision(kind: str, text: str, number: int) -> etree._Element:
    """A ``w:ins`` or ``w:del`` by Jo Adams holding one run, as Word writes it."""
    change = etree.Element(qn(f"w:{kind}"))
    change.set(qn("w:id"), str(900 + number))
    change.set(qn("w:author"), REVISER)
    change.set(qn("w:date"), "2024-05-01T09:00:00Z")
    run = etree.SubElement(change, qn("w:r"))
    words = etree.SubElement(run, qn("w:t" if kind == "ins" else "w:delText"))
    words.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    words.text = f" {text}"
    return change


def tracked_policy(path: Path, title: str, details: tuple[tuple[str, str], ...]) -> Path:
    """The Appendix 3 policy with 4 unaccepted changes by Jo Adams (two insertions, two
    deletions, in 6.1 and 6.2) and a comment by Pat Commenter on 5.1."""
    document = appendix3_document(title, details)
    paragraphs = {p.text.split(" ")[0]: p for p in document.paragraphs}
    document.add_comment(paragraphs["5.1"].runs, COMMENT, author=COMMENTER, initials="PC")
    number = 0
    for key, inserted, deleted in zip(("6.1", "6.2"), INSERTED, DELETED, strict=True):
        for kind, text in (("ins", inserted), ("del", deleted)):
            paragraphs[key]._p.append(_revision(kind, text, number))
            number += 1
    document.save(str(path))
    return path


def png(width: int, height: int) -> bytes:
    """A plain blue PNG of the given size, made here so the tests need no image library."""
    raw = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(raw)))
    ) + chunk(b"IEND", b"")


FIGURE_ALT = "Figure 1: the five steps of the policy process, from request to review."


def picture_policy(path: Path, title: str, details: tuple[tuple[str, str], ...]) -> Path:
    """The Appendix 3 policy with a wide diagram in "The Policy" whose alt text is set as
    Word sets it (``wp:docPr descr``), and a second picture with none in "Why we have
    this policy"."""
    document = appendix3_document(title, details)
    paragraphs = {p.text.split(" ")[0]: p for p in document.paragraphs}
    for key, alt in (("8.1", FIGURE_ALT), ("6.2", "")):
        run = paragraphs[key].insert_paragraph_before().add_run()
        run.add_picture(io.BytesIO(png(1200, 300)))  # 16.7 inches at 72 dpi: wider than A4
        run._r.xpath(".//wp:docPr")[-1].set("descr", alt)
    document.save(str(path))
    return path
