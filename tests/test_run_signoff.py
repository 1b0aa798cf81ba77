"""Sign-off typed into register.xlsx by a manager moves a DRAFT policy on (issue 13, item 1).

The real pipeline writes the real register; the manager's typing is done by openpyxl on that
file, saved as Excel would save it; the next `pipeline run`, with no form, takes it, and the
re-made PDF is read back with pypdf.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.journal.store import Journal
from pipeline.outcome import BatchResult
from pipeline.register import workbook
from pipeline.run import run_batch
from pipeline.workspace import Workspace, init_workspace, load_workspace
from tests.helpers.officers import DETAILS, appendix3_policy
from tests.helpers.paths import EXAMPLES
from tests.helpers.register import register_rows, type_in

pytestmark = pytest.mark.requires_libreoffice

SIGNED = (*DETAILS, ("Change type", "Major change"), ("Sign-off level", "Head of Service"))
MANAGER = "Jo Manager"
BUDGETS, CARERS, PAYMENTS = (
    "Personal Budgets Policy",
    "Carers Support Policy",
    "Direct Payments Policy",
)


def _workspace(root: Path) -> Workspace:
    ws = init_workspace(root)
    config = ws.root / "pipeline.toml"
    text = config.read_text(encoding="utf-8").replace('mode = "warm"', 'mode = "oneshot"')
    config.write_text(text.replace("workers = 2", "workers = 1"), encoding="utf-8")
    return load_workspace(ws.root)


def _rows(ws: Workspace) -> dict[str, dict[str, Any]]:
    """Each policy's row by title: values, and each cell's note as "<header> note"."""
    out = {}
    for title, cells in register_rows(ws.register).items():
        row: dict[str, Any] = {h: c.value for h, c in cells.items()}
        row.update({f"{h} note": c.comment.text if c.comment else "" for h, c in cells.items()})
        out[title] = row
    return out


@pytest.fixture(scope="module")
def typed_in(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Workspace, BatchResult, BatchResult]]:
    """Three policies as DRAFTs or not, a manager's typing, then a run with no form."""
    ws = _workspace(tmp_path_factory.mktemp("signoff") / "ws")
    appendix3_policy(ws.inbox / "budgets.docx")  # lacks the change type and the sign-off
    shutil.copy(EXAMPLES / "personal-budgets-implementation-plan.docx", ws.inbox / "plan.docx")
    appendix3_policy(ws.inbox / "carers.docx", title=CARERS)
    appendix3_policy(ws.inbox / "payments.docx", title=PAYMENTS, details=SIGNED)
    first = run_batch(ws)
    assert not first.rejected, first.to_json()
    type_in(
        ws.register,
        {
            BUDGETS: {"Change type": "major", "Sign-off level": "head of service"},
            CARERS: {"Change type": "Big change"},
            PAYMENTS: {"Change type": "Minor change"},
        },
        who=MANAGER,
    )
    yield ws, first, run_batch(ws)


def test_a_draft_signed_off_in_the_register_is_published_without_resubmission(
    typed_in: tuple[Workspace, BatchResult, BatchResult],
) -> None:
    ws, first, later = typed_in
    assert not later.accepted and not later.rejected
    assert "sign-off typed in register.xlsx read" in later.register_note
    policy = next(a for a in first.accepted if a.file == "budgets.docx")
    assert policy.status == "awaiting sign-off"
    pdf = next(p for p in policy.outputs if p.suffix == ".pdf")
    assert all("DRAFT" not in (page.extract_text() or "") for page in PdfReader(pdf).pages)
    published = [p for p in ws.publish_dir.glob("*.pdf") if policy.policy_ref.lower() in p.name]
    assert len(published) == 1
    assert all("DRAFT" not in (p.extract_text() or "") for p in PdfReader(published[0]).pages)
    assert published[0].name in (ws.publish_dir / "manifest.csv").read_text(encoding="utf-8")
    row = _rows(ws)[BUDGETS]
    assert row["Status"] == "published" and not row["Missing before publication"]
    assert (row["Change type"], row["Sign-off level"]) == ("Major change", "Head of Service")
    assert MANAGER in row["Change type note"] and '"major"' in row["Change type note"]


def test_the_journal_says_it_came_from_the_register_and_who_saved_it(
    typed_in: tuple[Workspace, BatchResult, BatchResult],
) -> None:
    ws, first, _ = typed_in
    ref = next(a.policy_ref for a in first.accepted if a.file == "budgets.docx")
    with Journal(ws.journal_path) as journal:
        events = [e for e in journal.events(ref) if e.file == "register.xlsx"]
        policy = journal.policy(ref) or {}
    assert [(e.outcome, e.who) for e in events] == [("register", MANAGER)]
    assert "change type Major change and sign-off level Head of Service" in events[0].detail
    assert (policy["change_type_key"], policy["sign_off_key"]) == ("major", "head_of_service")
    history = openpyxl.load_workbook(ws.register)["History"]
    assert any(r[1] == "register.xlsx" and r[4] == MANAGER for r in history.values)


def test_a_value_matching_nothing_stays_in_the_cell_with_what_to_write(
    typed_in: tuple[Workspace, BatchResult, BatchResult],
) -> None:
    ws, _, _ = typed_in
    row = _rows(ws)[CARERS]
    assert row["Change type"] == "Big change"
    note = row["Change type note"]
    assert "is not a change type the framework knows" in note and "Major change" in note
    assert "the change type" in row["Missing before publication"]
    assert row["Status"] == "awaiting sign-off"


def test_a_value_the_form_gave_is_not_overwritten_and_the_cell_says_so(
    typed_in: tuple[Workspace, BatchResult, BatchResult],
) -> None:
    ws, _, _ = typed_in
    row = _rows(ws)[PAYMENTS]
    assert row["Change type"] == "Major change"
    assert "Left as the form says" in row["Change type note"]
    assert '"Minor change" was typed here' in row["Change type note"]


def test_what_was_typed_survives_the_register_being_rebuilt(
    typed_in: tuple[Workspace, BatchResult, BatchResult], tmp_path: Path
) -> None:
    ws, _, _ = typed_in
    fresh = tmp_path / "register-new.xlsx"
    with Journal(ws.journal_path) as journal:
        workbook.rebuild(journal, ws.register, to=fresh)
    rows = register_rows(fresh)
    cell = rows[CARERS]["Change type"]
    assert cell.value == "Big change" and "framework knows" in cell.comment.text
    assert rows[BUDGETS]["Change type"].value == "Major change"


def test_a_run_after_the_pipeline_wrote_the_register_reads_nothing(
    typed_in: tuple[Workspace, BatchResult, BatchResult],
) -> None:
    ws, _, _ = typed_in
    again = run_batch(ws)
    assert "sign-off typed" not in again.register_note
    assert again.register_note == "register up to date"


def test_a_register_that_cannot_be_read_is_a_sentence_and_the_batch_goes_on(
    make_workspace: Callable[..., Workspace], policy_form: Callable[[str], bytes]
) -> None:
    ws = make_workspace()
    ws.register.write_bytes(b"PK\x03\x04 not a workbook any more")
    (ws.inbox / "carers.docx").write_bytes(policy_form(CARERS))
    result = run_batch(ws)
    assert [a.file for a in result.accepted] == ["carers.docx"], result.to_json()
    assert result.register_note.startswith(
        "register.xlsx could not be read for sign-offs typed in it"
    )
    assert "nothing typed in it was taken" in result.register_note
    assert CARERS in _rows(ws)  # set aside and rebuilt by the sync, as before
