"""Paragraphs and runs written as text are what python-docx writes for the same calls."""

from __future__ import annotations

import re

import docx
import pytest
from lxml import etree

from pipeline import wordml

TEXTS = (
    "plain",
    " leading",
    "trailing ",
    "tab\there",
    "\ttab first",
    "line\nbreak\r\nand\rreturn",
    "& < > \" ' {{ x }}",
    "\u00a0non-breaking\u00a0",
    "\u2019quotes\u2019 \u2013 dash",
    "",
)


def _python_docx_paragraph(text: str, bold: bool | None) -> str:
    paragraph = docx.Document().add_paragraph()
    run = paragraph.add_run(text)
    if bold is not None:
        run.bold = bold or None  # as the section writer set it: an empty w:rPr when not bold
    return re.sub(r' xmlns:\w+="[^"]*"', "", etree.tostring(paragraph._p, encoding="unicode"))


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("bold", [None, False, True])
def test_a_run_is_what_python_docx_writes(text: str, bold: bool | None) -> None:
    properties = None if bold is None else "<w:b/>" if bold else ""
    written = wordml.paragraph(wordml.run(text, properties))
    assert written == _python_docx_paragraph(text, bold)


def test_a_character_xml_cannot_hold_is_replaced() -> None:
    assert wordml.run("a\x01b") == "<w:r><w:t>a\ufffdb</w:t></w:r>"


def test_paragraph_properties_none_empty_and_a_style() -> None:
    assert wordml.paragraph("") == "<w:p></w:p>"
    assert wordml.paragraph("", "") == "<w:p><w:pPr/></w:p>"
    assert wordml.paragraph("", wordml.style("Heading1")) == (
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr></w:p>'
    )
    assert wordml.style(None) == ""
