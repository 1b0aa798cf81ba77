"""Generated hostile values in every box of every form, in Word and in Excel.

The property: a form is either rejected with every error naming one of the boxes that got
a hostile value, or accepted with each free-text value in the DOCX and the register
literally (characters XML cannot hold replaced, with a warning naming the box); nothing is
written outside the workspace and nothing raises. These cases skip LibreOffice (the
slow part): ``test_hostile_pdf.py`` sends a batch of them through the PDF.

The number of cases is set by the hypothesis profile (``HYPOTHESIS_PROFILE=fuzz`` for
``make fuzz``); conftest prints how many were tried.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipeline.journal.store import Journal
from pipeline.register import workbook
from pipeline.register.cells import COLUMNS, SHEET
from pipeline.run import Pipeline
from pipeline.validate.rules import has_errors, interpret
from pipeline.workspace import init_workspace
from tests.helpers.hostile import (
    FRAMEWORK,
    REPLACEMENT,
    XML_ILLEGAL,
    Case,
    cases,
    count_case,
    hostile_settings,
    hostile_text,
)
from tests.helpers.hostile_forms import (
    docx_text,
    excel_unescape,
    expected_pieces,
    expected_text,
    normalised,
    write_form,
)

TODAY = date.today()
# Register columns a form's own text reaches, by the form fields that fill them.
REGISTER_FIELDS = {
    "policy": {
        "title": "Title",
        "strategic_owner": "Strategic owner",
        "business_owner": "Business owner",
        "author": "Author",
        "approved_by": "Approved by",
    },
    "policy_request": {"title": "Title", "requested_by": "Author"},
}


class Sandbox:
    """A workspace inside a folder nothing else writes to, and one pipeline kept open."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.forms = root / "forms"
        self.forms.mkdir()
        self.workspace = init_workspace(root / "ws")
        self.pipeline = Pipeline(self.workspace)
        self.count = 0

    def outside(self) -> set[str]:
        """Whatever appeared beside the workspace: written outside it."""
        return set(os.listdir(self.root)) - {"ws", "forms"}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path_factory.mktemp("hostile"))
    yield box
    box.pipeline.close()


def process(box: Sandbox, case: Case) -> None:
    """One form through read, validate, render and the register, checking the property."""
    box.count += 1
    path = write_form(case, box.forms / f"form-{box.count}.{case.fmt}", TODAY)
    record, problems = box.pipeline.check(path, TODAY)
    hostile = dict(case.values)
    names = {slot.label for slot in hostile}
    if record is None or has_errors(problems):
        errors = [p for p in problems if p.severity == "error"]
        assert errors, problems
        for p in errors:
            named = p.field in names or any(f'"{n}"' in p.message + p.fix for n in names)
            assert named, f"rejected for {p.field!r}, not a hostile box: {p.message} {p.fix}"
        return
    prepared = box.pipeline.preparer.prepare(
        record, interpret(record, FRAMEWORK), file_name=path.name, today=TODAY
    )
    assert prepared.docx is not None
    shown = normalised(docx_text(prepared.docx))
    for slot, value in hostile.items():
        written = expected_text(case, slot, value)
        for piece in expected_pieces(slot, written):
            assert piece in shown, f"{slot.label} is not literal in the DOCX: {piece!r}"
        if REPLACEMENT in written and written.replace(REPLACEMENT, "").strip():
            assert any(p.field == slot.label and p.severity == "warning" for p in problems), (
                f"no warning for the characters replaced in {slot.label}"
            )
    with box.pipeline.journal.transaction():
        box.pipeline.journal.upsert_policy(prepared.ref, prepared.values)
    workbook.sync(box.pipeline.journal, box.workspace.register, today=TODAY)
    row = register_row(box.workspace.register, prepared.ref)
    for slot, value in hostile.items():
        header = REGISTER_FIELDS.get(case.form, {}).get(slot.key)
        if slot.kind == "field" and header is not None:
            want = expected_text(case, slot, value)
            assert lines(row[header]) == lines(want), f"{header} in the register"
    assert not box.outside()


def lines(value: object) -> str:
    """Line ends made one: XML reads every CR or CRLF in a file as LF, so Word and Excel do."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def register_row(path: Path, ref: str) -> dict[str, object]:
    """The policy's row as Excel shows it; fails if any cell of ours is a formula."""
    wb = load_workbook(path)
    try:
        ws = wb[SHEET]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", f"{cell.coordinate} holds a formula: {cell.value}"
            values = {
                str(h): excel_unescape(c.value) if isinstance(c.value, str) else c.value
                for h, c in zip(headers, row, strict=False)
            }
            if values.get("Reference") == ref:
                return values
    finally:
        wb.close()
    raise AssertionError(f"{ref} is not in the register")


@hostile_settings(200)
@given(case=cases())
def test_hostile_values_in_forms(sandbox: Sandbox, case: Case) -> None:
    with count_case():
        process(sandbox, case)


@hostile_settings(20)
@given(
    case=cases(exclude=frozenset()).filter(
        lambda c: any(s.key == "policy_ref" for s, _ in c.values)
    )
)
def test_hostile_values_in_the_reference(sandbox: Sandbox, case: Case) -> None:
    with count_case():
        process(sandbox, case)


# -- both register writers, on values straight from the journal -------------------------------

# The columns that show a journal value as it is (the others are worked out from several).
VERBATIM = ("title", "strategic_owner", "business_owner", "author", "approved_by", "source")
TEXT_COLUMNS = [c for c in COLUMNS if c.key in VERBATIM]


@hostile_settings(60)
@given(values=st.dictionaries(st.sampled_from([c.key for c in TEXT_COLUMNS]), hostile_text))
def test_both_register_writers_store_literals(
    tmp_path_factory: pytest.TempPathFactory, values: dict[str, str]
) -> None:
    with count_case():
        folder = tmp_path_factory.mktemp("register")
        try:
            journal = Journal(folder / "journal.sqlite")
            with journal.transaction():
                journal.upsert_policy("ASC-POL-001", {"title": "A policy", **values})
            fast, full = folder / "fast.xlsx", folder / "full.xlsx"
            workbook.create_empty(fast)
            workbook.sync(journal, fast, today=TODAY)  # the fast path: the workbook is ours
            workbook.rebuild(journal, full, today=TODAY)  # openpyxl
            journal.close()
            for path in (fast, full):
                row = register_row(path, "ASC-POL-001")
                for column in TEXT_COLUMNS:
                    if column.key in values:
                        want = values[column.key]
                        got = row[column.header] or ""
                        assert lines(got) == lines(_register_text(want)), (
                            f"{column.header} in {path.name}"
                        )
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _register_text(value: str) -> str:
    """What the register promises for text that bypassed the readers: XML-illegal dropped."""
    return XML_ILLEGAL.sub("", value)
