"""Reading a Word form as the reader's tests do: ``read`` a .docx into its record, ``blocks``
of one section (failing plainly if the section is missing).

Shared by tests/forms/test_docx_reader_*.py; it reads, it holds no tests itself.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.records import FormRecord


def read(path: Path, framework: Framework) -> FormRecord:
    return read_form(path, framework, "docx")


def blocks(record: FormRecord, key: str) -> list[object]:
    section = record.section(key)
    assert section is not None, f"no section {key}"
    return list(section.blocks)
