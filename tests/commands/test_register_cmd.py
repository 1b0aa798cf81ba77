"""`pipeline register sync` takes a sign-off typed in the register before writing over it."""

from __future__ import annotations

from collections.abc import Callable

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.run import run_batch
from pipeline.workspace import Workspace
from tests.helpers.officers import appendix3_policy


@pytest.mark.requires_libreoffice
def test_register_sync_takes_a_sign_off_typed_in_the_register_first(
    make_workspace: Callable[..., Workspace],
) -> None:
    ws = make_workspace()
    appendix3_policy(ws.inbox / "budgets.docx")  # no change type, no sign-off: a DRAFT
    assert not run_batch(ws).rejected
    wb = openpyxl.load_workbook(ws.register)
    sheet = wb["Register"]
    header = {c.value: c.column for c in sheet[1]}
    sheet.cell(2, header["Change type"], "Minor")
    sheet.cell(2, header["Sign-off level"], "Policy Team")
    wb.save(ws.register)
    result = CliRunner().invoke(cli, ["register", "sync", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sign-off typed in register.xlsx read for 1 policy\n")
    row = [c.value for c in openpyxl.load_workbook(ws.register)["Register"][2]]
    assert row[header["Change type"] - 1] == "Minor change"
    assert row[header["Sign-off level"] - 1] == "Policy Manager"
    missing = row[header["Missing before publication"] - 1]
    assert "sign-off" not in missing and "change type" not in missing
