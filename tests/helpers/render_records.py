"""The records and render context the rendering tests share: the worked example of the
framework's Appendix 3 as a policy record, hostile text, and small readers of the output.

Shared by tests/assemble/test_render_*.py; it builds records and reads documents, it holds no
tests itself.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx

from pipeline.assemble.render import RenderContext
from pipeline.records import (
    FieldValue,
    FormRecord,
    ListItem,
    Paragraph,
    Run,
    SectionContent,
    SubHeading,
    Table,
)
from tests.helpers.paths import TEMPLATES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def style(obj: Any) -> str:
    """The style name of a python-docx paragraph or table ("" when it has none)."""
    return str(obj.style.name) if obj.style is not None else ""


NASTY = "Tom & Jerry <b>bold</b> \"quoted\" 'single' {{ x }} {% if y %}z{% endif %} {_{ w }_}"
CARE_ACT = "https://www.legislation.gov.uk/ukpga/2014/23/contents"


def _p(*runs: Run | str) -> Paragraph:
    return Paragraph(tuple(Run(r) if isinstance(r, str) else r for r in runs))


def _item(text: str, level: int = 0, ordered: bool = False) -> ListItem:
    return ListItem((Run(text),), level=level, ordered=ordered)


# The worked example of the framework's Appendix 3, sections 5-8 (renumbered 1-4 here).
POLICY_SECTIONS = [
    SectionContent(
        "applies_to",
        "5. Who this policy applies to",
        (
            _p(
                "This policy will apply to you if you are an adult over 18 and we have identified "
                "that you have eligible social care needs, as set out in ",
                Run("The Care Act 2014", href=CARE_ACT),
                ".",
            ),
            _p(
                "This policy will ",
                Run("also", bold=True),
                " apply to you if you are ",
                Run("not", italic=True),
                " entitled to social care funding.",
            ),
        ),
    ),
    SectionContent(
        "why",
        "6. Why we have this policy",
        (
            _p("The Care Act places personal budgets into law for the first time."),
            _p("This policy has been developed because of new national legislation."),
        ),
    ),
    SectionContent(
        "achieve",
        "7. What the policy will achieve",
        (
            _p("The aims and objectives of this policy."),
            _item(
                "Your personal budget will always be a sufficient amount of money.", ordered=True
            ),
            _item("You will have greater choice.", ordered=True),
            _item(
                "You will be clear about how we have calculated your personal budget.", ordered=True
            ),
        ),
    ),
    SectionContent(
        "policy",
        "8. The Policy",
        (
            SubHeading("A personal budget"),
            _p(
                "A personal budget is the amount of money we allocate to you to meet your eligible needs."
            ),
            _p(
                "If you are receiving a service that we must not charge you for, it is not included."
            ),
            SubHeading("Establishing a personal budget"),
            _p(
                "We will carry out a ",
                Run("needs assessment or carers assessment", href="mailto:care@devon.gov.uk"),
                " with you.",
            ),
            _item("equipment"),
            _item("intermediate care", level=1),
            _item("reablement"),
            _p(
                "We will review your personal budget every year. ",
                Run("Click", href="javascript:alert(1)"),
            ),
            _item("Lettered again", ordered=True),
            Table(
                (("Need", "Who pays"), ("Equipment", "We do"), ("Care & support", "Shared <maybe>"))
            ),
            SubHeading("Choice and control"),
            _p(
                "We have a ",
                Run("Fair and Affordable Care policy", href="file:///c:/policies/fair.docx"),
                " that explains how and when.",
            ),
        ),
    ),
]

NUMBERED = [
    ("1.1", "This policy will apply to you if you are an adult over 18"),
    ("1.2", "This policy will also apply to you if you are not entitled"),
    ("2.1", "The Care Act places personal budgets into law"),
    ("2.2", "This policy has been developed because of new national legislation."),
    ("3.1", "The aims and objectives of this policy."),
    ("4.1", "A personal budget is the amount of money"),
    ("4.2", "If you are receiving a service"),
    ("4.3", "We will carry out a needs assessment or carers assessment with you."),
    ("4.4", "We will review your personal budget every year. Click"),
    ("4.5", "We have a Fair and Affordable Care policy that explains how and when."),
]


def policy_record() -> FormRecord:
    values = {
        "title": "Personal Budgets Policy",
        "version": "2",
        "change_type": "Major change",
        "change_summary": "Reviewed for the Care Act.",
        "strategic_owner": "Sally Slade, Head of Adult Social Care",
        "business_owner": "Sarah Mackereth, Principal Social Worker",
        "author": "James Martin, Senior Policy Officer",
        "approval_date": "December 2015",
        "last_review": "Quarter 3 2015/16",
        "last_reviewer": "James Martin, Senior Policy Officer",
        "next_review": "Quarter 3 2017/18",
        "supporting_documents": "The Care Act 2014\nCare and support statutory guidance",
    }
    return FormRecord(
        form_type="policy",
        source=Path("personal-budgets.docx"),
        fields={k: FieldValue(v) for k, v in values.items()},
        sections=list(POLICY_SECTIONS),
    )


def context(**overrides: object) -> RenderContext:
    base: dict[str, object] = {
        "policy_ref": "ASC-POL-007",
        "version": "2",
        "council": "Devon County Council",
        "generated": "3 March 2025",
        "change_history": [
            ("1", "December 2015", "First issue.", "James Martin"),
            ("2", "3 March 2025", "Reviewed for the Care Act.", "James Martin"),
        ],
    }
    base.update(overrides)
    return RenderContext(**base)  # type: ignore[arg-type]


def _body_paragraphs(path: Path) -> list[Any]:
    return list(docx.Document(str(path)).paragraphs)


def _edited_templates(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the templates with one text replaced in policy.docx's body."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    path = folder / "policy.docx"
    with zipfile.ZipFile(TEMPLATES / "policy.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)
    return folder
