"""End to end: a form whose reference or version names a path writes nothing outside.

Before the framework declared what references and versions look like, a policy whose
reference read ``../../../outside-the-workspace`` had its DOCX and PDF written two folders
above the workspace. These tests drop such forms into a real workspace, run the real batch
and compare the whole tree around the workspace before and after.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx

from pipeline.run import run_batch
from pipeline.workspace import Workspace

PolicyForm = Callable[[str], bytes]


def _with_details(form: bytes, **details: str) -> bytes:
    """The form with details-table rows set (by label), added when the form has none."""
    document = docx.Document(io.BytesIO(form))
    table = next(t for t in document.tables if t.rows[0].cells[0].text.strip() == "Version")
    for label, value in details.items():
        row = next((r for r in table.rows if r.cells[0].text.strip() == label), None)
        if row is None:
            row = table.add_row()
            row.cells[0].text = label
        row.cells[1].text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _tree(top: Path, leave_out: Path) -> set[str]:
    """Every path under ``top`` except inside ``leave_out`` (links are not followed)."""
    return {
        str(p.relative_to(top))
        for p in top.rglob("*")
        if p != leave_out and not p.is_relative_to(leave_out)
    }


def _report(workspace: Workspace, name: str) -> str:
    return (workspace.rejected / f"{name} - problems.txt").read_text(encoding="utf-8")


def test_a_reference_naming_a_path_is_rejected_and_writes_nothing_outside(
    workspace: Workspace, policy_form: PolicyForm
) -> None:
    around = workspace.root.parent.parent
    before = _tree(around, workspace.root)
    form = _with_details(
        policy_form("Path Trick Policy"), **{"Policy reference": "../../../outside-the-workspace"}
    )
    (workspace.inbox / "trick.docx").write_bytes(form)

    result = run_batch(workspace)

    assert not result.accepted
    [rejected] = result.rejected
    assert [p.field for p in rejected.problems] == ["Policy reference"]
    report = _report(workspace, "trick.docx")
    assert "1. Policy reference" in report
    assert '"../../../outside-the-workspace" is not a reference.' in report
    assert _tree(around, workspace.root) == before
    assert not (workspace.outbox / "../../../outside-the-workspace").exists()
    assert not any(workspace.outbox.rglob("*.docx"))


def test_a_version_naming_a_path_is_rejected_with_a_message_naming_version(
    workspace: Workspace, policy_form: PolicyForm
) -> None:
    around = workspace.root.parent.parent
    before = _tree(around, workspace.root)
    for i, version in enumerate(["../2", "1/../../x"]):
        form = _with_details(policy_form(f"Version Trick Policy {i}"), Version=version)
        (workspace.inbox / f"version-{i}.docx").write_bytes(form)

    result = run_batch(workspace)

    assert not result.accepted
    assert sorted(r.file for r in result.rejected) == ["version-0.docx", "version-1.docx"]
    for r in result.rejected:
        assert [p.field for p in r.problems] == ["Version"]
    first = _report(workspace, "version-0.docx")
    assert "1. Version" in first
    assert '"../2" is not a version number.' in first
    assert '"1/../../x" is not a version number.' in _report(workspace, "version-1.docx")
    assert _tree(around, workspace.root) == before
    assert not any(workspace.outbox.rglob("*.docx"))


def test_a_link_in_the_outbox_leading_outside_is_refused(
    workspace: Workspace, policy_form: PolicyForm, tmp_path: Path
) -> None:
    """Defence in depth: a valid reference whose folder is a link to elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (workspace.outbox / "ASC-POL-007").symlink_to(elsewhere, target_is_directory=True)
    form = _with_details(policy_form("Linked Policy"), **{"Policy reference": "ASC-POL-007"})
    (workspace.inbox / "linked.docx").write_bytes(form)

    result = run_batch(workspace)

    assert not result.accepted
    [rejected] = result.rejected
    assert "could not be written" in rejected.problems[0].message
    assert list(elsewhere.iterdir()) == []


def test_a_valid_reference_and_version_still_make_their_documents(
    workspace: Workspace, policy_form: PolicyForm
) -> None:
    """Small letters and spaces around a reference are read as the register writes it."""
    form = _with_details(
        policy_form("Well Referenced Policy"),
        **{"Policy reference": " asc-pol-007 "},
        Version="2.1",
    )
    (workspace.inbox / "good.docx").write_bytes(form)

    result = run_batch(workspace)

    assert not result.rejected, result.rejected
    [accepted] = result.accepted
    assert accepted.policy_ref == "ASC-POL-007"
    folder = workspace.outbox / "ASC-POL-007" / "2.1"
    assert (folder / "policy.docx").is_file()
    assert (folder / "policy.pdf").read_bytes().startswith(b"%PDF")
    assert (workspace.state / "masters" / "ASC-POL-007" / "2.1" / "policy.pdf").is_file()


def test_a_file_name_as_long_as_the_file_system_allows_is_processed(
    workspace: Workspace, policy_form: PolicyForm
) -> None:
    """The claim adds its owner in front of the officer's name; a 250-byte name must still
    be claimed, processed and archived under its own name, not stop the batch."""
    name = "é" * 120 + "-long.docx"  # 250 bytes in UTF-8
    assert len(name.encode()) == 250
    (workspace.inbox / name).write_bytes(policy_form("Long Named Policy"))
    result = run_batch(workspace)
    assert [a.file for a in result.accepted] == [name]
    assert [p.name for p in workspace.inbox.glob("processed/*/*")] == [name]
    assert not list(workspace.work.iterdir())
