"""The watcher's next batch takes a sign-off a manager typed into register.xlsx.

Split from test_watcher.py (past 400 lines); the real watcher, the real register edited with
openpyxl as Excel saves it, and real LibreOffice.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.watch.watcher import Watcher
from pipeline.workspace import Workspace
from tests.helpers.officers import appendix3_document
from tests.helpers.register import register_rows, type_in
from tests.helpers.watching import drop, outcomes, wait_for

pytestmark = pytest.mark.requires_libreoffice


def _cells(ws: Workspace, title: str) -> dict[str, object]:
    cells = register_rows(ws.register).get(title, {})
    return {header: cell.value for header, cell in cells.items()}


def test_the_watchers_next_batch_takes_a_sign_off_typed_in_the_register(
    workspace: Workspace,
    start_watcher: Callable[..., Watcher],
    policy_form: Callable[[str], bytes],
) -> None:
    start_watcher(workspace)
    draft = workspace.root / "budgets.docx"
    appendix3_document().save(str(draft))  # no change type, no sign-off: a DRAFT
    drop(workspace, "budgets.docx", draft.read_bytes())
    wait_for(lambda: outcomes(workspace) == 1, 90, "the DRAFT policy was processed")
    wait_for(
        lambda: _cells(workspace, "Personal Budgets Policy").get("Status") == "awaiting sign-off",
        30,
        "the register shows the DRAFT",
    )
    typed = {"Change type": "Major", "Sign-off level": "Director"}
    type_in(workspace.register, {"Personal Budgets Policy": typed})
    drop(workspace, "carers.docx", policy_form("Carers Support Policy"))  # the next batch
    wait_for(lambda: outcomes(workspace) == 2, 90, "the next form was processed")
    wait_for(
        lambda: (
            _cells(workspace, "Personal Budgets Policy").get("Sign-off level") == "Chief Officer"
        ),
        30,
        "the typed sign-off was taken",
    )
    row = _cells(workspace, "Personal Budgets Policy")
    assert row["Change type"] == "Major change"
    assert "sign-off" not in str(row["Missing before publication"])
