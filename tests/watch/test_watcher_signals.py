"""The watched-folder service stopped hard and softly: ``kill -9`` mid-batch then a restart
processes every form exactly once; SIGTERM finishes the batch and leaves no LibreOffice.

Real watchdog observers on real folders, the real pipeline and real LibreOffice (one-shot,
so nothing stays running), and ``python -m pipeline watch`` as a subprocess where a signal
or ``kill -9`` is the point. Waits are generous "within N seconds", never timings.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.watch.status import watcher_file
from pipeline.workspace import Workspace, init_workspace, load_workspace
from tests.helpers.watching import (
    Form,
    Service,
    assert_exactly_once,
    claimed,
    drop,
    outcomes,
    soffice_pids,
    wait_for,
)


@pytest.fixture(scope="module")
def after_kill_9(
    tmp_path_factory: pytest.TempPathFactory, policy_form: Form
) -> tuple[Workspace, set[str]]:
    """A service killed with SIGKILL once the first outcome appears, then started again."""
    ws = init_workspace(tmp_path_factory.mktemp("kill") / "ws")
    config = ws.root / "pipeline.toml"
    config.write_text(config.read_text().replace('mode = "warm"', 'mode = "oneshot"'))
    ws = load_workspace(ws.root)
    forms = {f"policy {i}.docx": policy_form(f"Crash Test Policy {i}") for i in range(8)}
    service = Service(ws)
    for name, data in forms.items():
        drop(ws, name, data)
    deadline = time.monotonic() + 120
    while not any(ws.processed.rglob("*.docx")):  # the first outcome: kill at once
        assert time.monotonic() < deadline, "no outcome within 120 s"
        time.sleep(0.01)
    service.proc.kill()  # SIGKILL: no clean-up at all
    service.proc.wait(10)
    assert claimed(ws), "the kill was meant to land mid-batch"
    # the killed service's LibreOffice finishes what it was doing and exits by itself
    wait_for(lambda: not soffice_pids(ws), 60, "the orphaned LibreOffice to exit")
    service = Service(ws)  # recovers the claims the dead process left
    wait_for(lambda: outcomes(ws) == len(forms), 120, "every form has an outcome")
    assert service.stop(signal.SIGTERM) == 0
    return ws, set(forms)


def test_kill_9_mid_batch_then_restart_processes_every_form_exactly_once(
    after_kill_9: tuple[Workspace, set[str]],
) -> None:
    workspace, names = after_kill_9
    assert_exactly_once(workspace, names)
    assert len(register_refs(workspace)) == len(set(register_refs(workspace))) == len(names)
    leftovers = [
        p for p in workspace.root.rglob("*") if p.name.endswith((".tmp", ".part", ".copying"))
    ]
    assert leftovers == []
    pdfs = list(workspace.outbox.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) > 0, pdf


def test_kill_9_leaves_no_outputs_for_references_the_register_lacks(
    after_kill_9: tuple[Workspace, set[str]],
) -> None:
    workspace, _ = after_kill_9
    folders = {p.name for p in workspace.outbox.iterdir() if p.is_dir() and p.name != "publish"}
    assert folders <= set(register_refs(workspace))


def register_refs(ws: Workspace) -> list[str]:
    sheet = openpyxl.load_workbook(ws.register, read_only=True)["Register"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if "Reference" in r)
    column = rows[header].index("Reference")
    return [str(r[column]) for r in rows[header + 1 :] if any(r)]


def test_sigterm_stops_promptly_finishing_the_batch_and_leaving_no_libreoffice(
    make_workspace: Callable[..., Workspace], policy_form: Form
) -> None:
    ws = make_workspace(mode="warm", quiet=0.3)
    service = Service(ws)
    wait_for(lambda: soffice_pids(ws), 90, "the warm LibreOffice to start")
    drop(ws, "in hand.docx", policy_form("Signal Policy"))
    wait_for(lambda: claimed(ws) or outcomes(ws), 60, "the file to be taken")
    assert service.stop(signal.SIGTERM, timeout=90) == 0, service.log.read_text()
    assert outcomes(ws) == 1, "the batch in hand was finished before stopping"
    assert_exactly_once(ws, {"in hand.docx"})
    assert soffice_pids(ws) == []
    assert not watcher_file(ws).exists()
    assert "Watcher stopped." in (ws.logs / "watch.log").read_text(encoding="utf-8")
