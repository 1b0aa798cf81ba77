"""Excel forms as the reader's tests build and read them: a workbook with its first sheet,
``save``, the Personal Budgets policy laid out as label | value pairs, and ``read`` of an
.xlsx into its record.

Shared by tests/forms/test_xlsx_reader_*.py; it builds and reads, it holds no tests itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.records import FormRecord


def read(path: Path, framework: Framework) -> FormRecord:
    return read_form(path, framework, "xlsx")


def workbook(title: str = "Details") -> tuple[Workbook, Any]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    return wb, ws


def save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def policy_workbook() -> Workbook:
    wb, ws = workbook("Details")
    ws.append(["Personal Budgets Policy"])
    ws.append([])
    ws.append(["Policy title", "Personal Budgets Policy"])
    ws.append(["Version:", 1.4])
    ws.append(["Strategic Owners", None, "Sally Slade, Head of Adult Social Care"])
    ws.append(["business owner", "Sarah Mackereth, Principal Social Worker"])
    ws.append(["Written by", "James Martin, Senior Policy Officer"])
    ws.append(["Date of approval and commencement", datetime(2015, 12, 1)])
    ws.append(["Last review date", "Quarter 3 2015/16"])
    ws.append(["Next review date", "Quarter 3 2017/18"])
    ws.append(["Change type", "Major change"])
    sections = wb.create_sheet("Sections")
    sections.append(["Section", "Text"])
    sections.append(
        [
            "5. Who this policy applies to",
            "5.1 This policy will apply to you if you are an adult over 18.\n"
            "5.2 It also applies if we arrange your care.",
        ]
    )
    sections.append(["Why we have this policy", "The Care Act places personal budgets into law."])
    sections.append([None, "- It sets out what you can expect\n• and how we must act"])
    sections.append(["What the policy will achieve", "a) A sufficient budget\nb) Greater choice"])
    sections.append(["The Policy", "8.1 A personal budget is the amount of money we allocate."])
    sections.append(["Glossary", "Words we use."])
    return wb
