"""`pipeline diff`: what changed between two versions of a policy, on demand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from pipeline.commands.options import json_option, open_workspace, workspace_option
from pipeline.publish.changes import diff_versions


@click.command("diff")
@click.argument("ref")
@click.argument("old", default="")
@click.argument("new", default="")
@workspace_option
@json_option
def command(ref: str, old: str, new: str, workspace_dir: Path | None, as_json: bool) -> None:
    """Compare versions OLD and NEW of policy REF (default: its latest and the one before).

    Prints the summary and writes changes-since-OLD.docx (Word tracked changes), .pdf and
    .html (the web page) beside version NEW's documents in the outbox.

    \b
    Example:
        pipeline diff ASC-POL-001 2 3
    """
    changes = diff_versions(open_workspace(workspace_dir), ref, old, new, today=date.today())
    files = {key: changes.document[key] for key in ("docx", "pdf", "html")}
    if as_json:
        click.echo(json.dumps({**changes.comparison.as_json(), **files}, indent=2))
        return
    click.echo(changes.comparison.summary_line())
    for name, path in files.items():
        click.echo(f"{name}: {path}")
