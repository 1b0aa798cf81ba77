"""Builders for test forms: real .docx and .xlsx files written with python-docx and openpyxl.

The builders write what Word writes (hyperlink relationships, numbering definitions,
content controls) so the readers are tested on the XML they will meet, not on stand-ins.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from pipeline.errors import RejectedFile
from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.framework_load import default_framework
from pipeline.safety.check import check_file
from tests.helpers.officers import DETAILS
from tests.helpers.paths import CHECKOUT

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CARE_ACT = "https://www.legislation.gov.uk/ukpga/2014/23/contents"

# numId 90: level 0 bullet, level 1 lower letter, level 2 decimal. numId 91: legal "%1.%2".
_NUMBERING = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
  <w:lvl w:ilvl="2"><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""
_LEGAL = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
</w:abstractNum>"""


class Link:
    def __init__(self, text: str, url: str) -> None:
        self.text, self.url = text, url


Part = str | Link | tuple[str, dict[str, bool]]


class Doc:
    """A small Word-writing helper: paragraphs from parts, tables from lists of strings."""

    def __init__(self) -> None:
        self.doc: Any = Document()
        self._numbering_ready = False

    def para(self, *parts: Part, style: str | None = None, bold: bool = False) -> Any:
        p = self.doc.add_paragraph(style=style)
        for part in parts:
            if isinstance(part, Link):
                add_link(p, part.text, part.url)
            elif isinstance(part, tuple):
                run = p.add_run(part[0])
                run.bold = part[1].get("bold")
                run.italic = part[1].get("italic")
            else:
                run = p.add_run(part)
                if bold:
                    run.bold = True
        return p

    def heading(self, text: str, level: int = 1) -> Any:
        return self.doc.add_heading(text, level=level)

    def numbered(self, text: str, num_id: int, ilvl: int) -> Any:
        self._numbering()
        p = self.para(text)
        ppr = p._p.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
            )
        )
        return p

    def _numbering(self) -> None:
        if self._numbering_ready:
            return
        numbering = self.doc.part.numbering_part.element
        first_num = numbering.find(qn("w:num"))
        for xml in (_NUMBERING, _LEGAL):
            el = parse_xml(xml)
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering.append(el)
        for num_id, abstract in ((90, 90), (91, 91)):
            numbering.append(
                parse_xml(
                    f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/></w:num>'
                )
            )
        self._numbering_ready = True

    def table(self, rows: Sequence[Sequence[str | Sequence[str]]]) -> Any:
        """A table; a cell given as a list of strings becomes several paragraphs."""
        width = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                lines = [value] if isinstance(value, str) else list(value)
                cell.paragraphs[0].text = lines[0] if lines else ""
                for line in lines[1:]:
                    cell.add_paragraph(line)
        return table

    def control(self, tag: str, lines: Sequence[str], placeholder: bool = False) -> Any:
        """A block-level content control (``w:sdt``) tagged ``tag``."""
        plc = "<w:showingPlcHdr/>" if placeholder else ""
        paras = "".join(
            f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>' for line in lines
        )
        sdt = parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:tag w:val="{tag}"/>{plc}</w:sdtPr>'
            f"<w:sdtContent>{paras}</w:sdtContent></w:sdt>"
        )
        self.doc.element.body.insert_element_before(sdt, "w:sectPr")
        return sdt

    def save(self, path: Path) -> Path:
        self.doc.save(str(path))
        return path


def add_link(paragraph: Any, text: str, url: str) -> Any:
    """A real hyperlink: an external relationship and a ``w:hyperlink`` around a run."""
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.set(XML_SPACE, "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)
    return link


_FORMS_DIR = CHECKOUT / "pipeline" / "forms"


def run_corpus(
    ext: str, framework: Framework, caplog: pytest.LogCaptureFixture, corpus: Path
) -> None:
    """Read every real-world file the safety gate lets through: only rejections may escape,
    and a "damaged file" verdict must come from a parser, not from a bug in the readers
    hiding behind the catch-all. (A file that hangs a reader is caught by pytest-timeout;
    speed is measured by `make bench`, never asserted.)"""
    caplog.set_level(logging.INFO, logger="pipeline.forms")
    read = 0
    for path in sorted(corpus.rglob(f"*.{ext}")):
        try:
            kind = check_file(path)
        except RejectedFile:
            continue
        if kind not in ("docx", "xlsx"):
            continue  # converted by LibreOffice first: tests/convert/test_legacy.py
        with contextlib.suppress(RejectedFile):
            read_form(path, framework, kind)
        read += 1
    assert read, f"the gate let no .{ext} file of the corpus through: nothing was read"
    for record in caplog.records:
        assert record.exc_info is not None and record.exc_info[2] is not None
        innermost = traceback.extract_tb(record.exc_info[2])[-1].filename
        assert not Path(innermost).resolve().is_relative_to(_FORMS_DIR), record.getMessage()


@pytest.fixture(scope="session")
def framework() -> Framework:
    return default_framework()


# The Appendix 3 worked example, as an officer would type it in Word.
APPENDIX3_DETAILS = list(DETAILS)


@pytest.fixture
def appendix3_docx(tmp_path: Path) -> Path:
    d = Doc()
    d.para("Personal Budgets Policy", style="Title")
    d.table([list(row) for row in APPENDIX3_DETAILS])
    d.para("5. Who this policy applies to", bold=True)
    d.para(
        "5.1 This policy will apply to you if you are an adult over 18 and we have identified "
        "that you have eligible social care needs, including support needs as a carer, as set out in ",
        Link("The Care Act 2014", CARE_ACT),
        ".",
    )
    d.para(
        "5.2 This policy will also apply to you if you are not entitled to social care funding "
        "but we have a duty to, or we agree to arrange your care."
    )
    d.heading("6. Why we have this policy", 2)
    d.para("6.1 The Care Act places personal budgets into law for the first time.")
    d.heading("7. What the policy will achieve", 2)
    d.para("7.1 The aims and objectives of this policy.")
    d.para("a) Your personal budget will always be a sufficient amount of money.")
    d.para("b) You will have greater choice.")
    d.heading("8. The Policy", 2)
    d.para("A personal budget", bold=True)
    d.para(
        "8.1 A personal budget is the amount of money we allocate to you to meet your eligible needs."
    )
    d.heading("Choice and control", 3)
    d.para(
        "8.10** To ensure that we can get best value, we have a ",
        Link("Fair and Affordable Care policy", "https://www.devon.gov.uk/fair-and-affordable"),
        " that explains how and when we may be able to fund a particular preference.",
    )
    return d.save(tmp_path / "personal-budgets.docx")
