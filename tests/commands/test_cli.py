"""The command line: exact output and exit codes, with click's CliRunner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import cli
from tests.helpers.paths import EXAMPLES


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output
    command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]  # type: ignore[assignment]
    if not isinstance(command, click.Group):
        assert "Example:" in result.output, path


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"pipeline, version {__version__}\n"


def test_outside_a_workspace_is_a_one_line_error_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # click's isolated_filesystem is deprecated (Click 9 drops it)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: No pipeline.toml in ")
    assert result.output.count("\n") == 1
    assert str(tmp_path.resolve()) in result.output


def test_init_then_empty_run(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"Workspace ready in {(tmp_path / 'ws').resolve()}"
    result = runner.invoke(cli, ["run", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "No forms waiting."


def test_validate_reports_problems_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path / "ws")])
    ws = ["--workspace", str(tmp_path / "ws")]
    good = runner.invoke(cli, ["validate", *ws, str(EXAMPLES / "personal-budgets-policy.docx")])
    assert good.exit_code == 0, good.output
    assert good.output.startswith("valid  ")
    bad = runner.invoke(cli, ["validate", *ws, "--json", str(EXAMPLES / "form-with-mistakes.docx")])
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert report[0]["valid"] is False
    assert [p["field"] for p in report[0]["problems"] if p["severity"] == "error"] == [
        "Business owner",
        "Date of approval and commencement",
        "Next review date",
        "Sign-off level",
        "Why we have this policy",
    ]
    # validate produces nothing and moves nothing
    assert not any((tmp_path / "ws" / "outbox").iterdir())


def test_run_json_shape_and_exit_1_when_a_form_is_rejected(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path / "ws")])
    inbox = tmp_path / "ws" / "inbox"
    shutil.copy(EXAMPLES / "form-with-mistakes.docx", inbox)
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = runner.invoke(cli, ["run", "--json", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["accepted"] == []
    by_file = {r["file"]: r for r in data["rejected"]}
    assert set(by_file) == {"form-with-mistakes.docx", "notes.pdf"}
    assert by_file["notes.pdf"]["problems"][0]["message"] == "not one of our forms: a PDF"
    assert {"field", "message"} <= set(by_file["form-with-mistakes.docx"]["problems"][0])
    assert (inbox / "rejected" / "notes.pdf - problems.txt").is_file()


def test_framework_show_lists_forms_and_rules() -> None:
    result = CliRunner().invoke(cli, ["framework", "show"])
    assert result.exit_code == 0
    assert result.output.startswith(
        "Integrated Adult Social Care Policy Framework (Devon County Council)"
    )
    for text in (
        "Implementation plan (implementation_plan)",
        "area 8: Other considerations",
        "References look like ASC-POL-014 (ASC-POL-[0-9]{3,})",
        "Rules:",
    ):
        assert text in result.output


def test_broken_framework_file_names_file_and_line(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path / "ws")])
    source = runner.invoke(cli, ["framework", "show", "--source"]).output
    broken = source.replace('type = "version"', 'type = "versoin"')
    (tmp_path / "ws" / "ours.toml").write_text(broken, encoding="utf-8")
    config = tmp_path / "ws" / "pipeline.toml"
    config.write_text(config.read_text().replace('framework = ""', 'framework = "ours.toml"'))
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if 'type = "versoin"' in text)
    result = runner.invoke(cli, ["run", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert f"ours.toml, line {line}: field `version` has type `versoin`" in result.output


def test_forms_in_a_workspace_with_a_broken_framework_is_an_error_not_the_default(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["init", str(tmp_path / "ws")])
    config = tmp_path / "ws" / "pipeline.toml"
    config.write_text(config.read_text().replace('framework = ""', 'framework = "missing.toml"'))
    result = runner.invoke(
        cli, ["forms", str(tmp_path / "out"), "--workspace", str(tmp_path / "ws")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: Cannot read the framework file ")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_output_piped_to_a_reader_that_stops_early_is_not_a_crash(tmp_path: Path) -> None:
    """`pipeline framework show | head -1`: the closed pipe ends the command quietly, exit 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "framework", "show"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "HOME": str(tmp_path)},  # any crash log would land here
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""
    assert not (tmp_path / ".cache").exists()


@pytest.fixture
def fresh(tmp_path: Path) -> list[str]:
    """``--workspace DIR`` of a workspace just made by ``pipeline init``."""
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return ["--workspace", str(tmp_path / "ws")]


def test_status_in_a_fresh_workspace(fresh: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status", *fresh])
    assert result.exit_code == 0
    assert result.output.splitlines()[:6] == [
        f"Workspace: {(tmp_path / 'ws').resolve()}",
        "Watcher: not running (start it with `pipeline watch`, or see docs/service.md)",
        "Waiting in the inbox: 0",
        "In progress: 0",
        "Last processed: nothing yet",
        "Last errors: none",
    ]


@pytest.mark.parametrize("command", [["status"], ["watch"], ["register", "due"]])
def test_a_folder_that_is_not_a_workspace_is_exit_2(command: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [*command, "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path} is not a workspace: it has no pipeline.toml. "
        f"Make one with `pipeline init {tmp_path}`.\n"
    )


def test_register_due_on_an_empty_register(fresh: list[str]) -> None:
    result = CliRunner().invoke(cli, ["register", "due", *fresh])
    assert result.exit_code == 0
    assert result.output == "No reviews due within 90 days.\n"


def test_register_sync_and_rebuild_on_an_empty_register(fresh: list[str]) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["register", "sync", *fresh])
    assert result.exit_code == 0
    assert result.output == "updated register.xlsx: 0 policies (0 new), 0 history entries\n"
    result = runner.invoke(cli, ["register", "rebuild", *fresh])
    assert result.exit_code == 0
    assert result.output.startswith(
        "rebuilt register.xlsx: 0 policies (0 new), 0 history entries; "
        "the previous file is kept as register.before-rebuild-"
    )


def test_register_show_of_an_unknown_policy_is_exit_1(fresh: list[str]) -> None:
    result = CliRunner().invoke(cli, ["register", "show", "ASC-POL-999", *fresh])
    assert result.exit_code == 1
    assert result.output == "Error: no policy ASC-POL-999 in the register.\n"


def test_templates_check_in_a_fresh_workspace(fresh: list[str]) -> None:
    result = CliRunner().invoke(cli, ["templates", "check", *fresh])
    assert result.exit_code == 0
    assert result.output == "All templates use only what the framework provides.\n"


def test_framework_show_first_lines() -> None:
    result = CliRunner().invoke(cli, ["framework", "show"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "Integrated Adult Social Care Policy Framework (Devon County Council), version 1.4"
    )
    assert lines[2:4] == [
        "Reviews every 24 months; 'due soon' within 90 days.",
        "References look like ASC-POL-014 (ASC-POL-[0-9]{3,}); versions like 1.4 "
        "([0-9]+(\\.[0-9]+)*).",
    ]


def test_validate_a_file_that_does_not_exist_is_a_usage_error(fresh: list[str]) -> None:
    result = CliRunner().invoke(cli, ["validate", *fresh, "/nonexistent/form.docx"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for 'FILES...': File '/nonexistent/form.docx' does not exist."
    )
