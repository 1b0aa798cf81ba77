"""`pipeline register sync` takes a sign-off typed in the register before writing over it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.run import run_batch
from pipeline.workspace import Workspace
from tests.helpers.officers import appendix3_policy
from tests.helpers.register import register_rows, type_in


@pytest.mark.requires_libreoffice
def test_register_sync_takes_a_sign_off_typed_in_the_register_first(
    make_workspace: Callable[..., Workspace],
) -> None:
    ws = make_workspace()
    appendix3_policy(ws.inbox / "budgets.docx")  # no change type, no sign-off: a DRAFT
    assert not run_batch(ws).rejected
    typed = {"Change type": "Minor", "Sign-off level": "Policy Team"}
    type_in(ws.register, {"Personal Budgets Policy": typed})
    result = CliRunner().invoke(cli, ["register", "sync", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sign-off typed in register.xlsx read for 1 policy\n")
    row = register_rows(ws.register)["Personal Budgets Policy"]
    assert row["Change type"].value == "Minor change"
    assert row["Sign-off level"].value == "Policy Manager"
    missing = str(row["Missing before publication"].value)
    assert "sign-off" not in missing and "change type" not in missing
