"""`pipeline diff` on a workspace holding versions 2 and 3 of the sample policy: the exact
output, the files it writes, --json, and the errors' exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.run import run_batch
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.versions import Edits, policy_version

pytestmark = pytest.mark.requires_libreoffice

REF = "ASC-POL-001"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("diff")
    ws = init_workspace(root / "ws")
    reworded = Edits(reword={"8.8": ("every year", "every six months")})
    for version, edits in (("2", Edits()), ("3", reworded)):
        form = root / f"policy-v{version}.docx"
        form.write_bytes(policy_version(version, edits))
        assert len(run_batch(ws, [form]).accepted) == 1
    yield ws


def _diff(ws: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", *args, "--workspace", str(ws.root)])
    return result.exit_code, result.output


def test_latest_against_the_one_before(ws: Workspace) -> None:
    folder = ws.outbox / REF / "3"
    for ending in ("docx", "html"):  # written by the batch: the command writes them again
        (folder / f"changes-since-2.{ending}").unlink()
    code, output = _diff(ws, REF)
    assert code == 0
    assert output == (
        "Changes in version 3 since version 2: sections changed: 1; paragraphs added: 0, "
        "removed: 0, changed: 1, moved: 0.\n"
        f"docx: {folder / 'changes-since-2.docx'}\n"
        f"pdf: {folder / 'changes-since-2.pdf'}\n"
        f"html: {folder / 'changes-since-2.html'}\n"
    )
    assert (folder / "changes-since-2.docx").is_file()
    assert (folder / "changes-since-2.pdf").read_bytes().startswith(b"%PDF")
    assert "<ins>[inserted: six months]</ins>" in (folder / "changes-since-2.html").read_text()


def test_a_version_with_itself_and_json(ws: Workspace) -> None:
    code, output = _diff(ws, REF.lower(), "3", "3", "--json")
    assert code == 0
    found = json.loads(output)
    assert found["summary"] == {
        "sections changed": 0,
        "paragraphs added": 0,
        "paragraphs removed": 0,
        "paragraphs changed": 0,
        "paragraphs moved": 0,
    }
    assert (found["old"], found["new"], found["sections"]) == ("3", "3", [])
    code, output = _diff(ws, REF, "2", "3", "--json")
    (section,) = json.loads(output)["sections"]
    assert section["changes"][0]["words"] == [["delete", "year"], ["insert", "six months"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ASC-POL-009",), "Error: ASC-POL-009 is not in the register: check the reference.\n"),
        ((REF, "1", "3"), f"Error: {REF} has no version 1 (versions kept: 2, 3).\n"),
        ((REF, "2", "4"), f"Error: {REF} has no version 4 (versions kept: 2, 3).\n"),
        ((REF, "", "2"), f"Error: {REF} version 2 is its first: there is nothing before it.\n"),
    ],
)
def test_what_cannot_be_compared_is_one_line_and_exit_2(
    ws: Workspace, args: tuple[str, ...], message: str
) -> None:
    assert _diff(ws, *args) == (2, message)
