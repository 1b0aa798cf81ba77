from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.commands.options import json_option, open_workspace, workspace_option
from pipeline.commands.render import print_batch
from pipeline.run import run_batch
from pipeline.watch import faultlog


@click.command("run")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
@json_option
def command(files: tuple[Path, ...], workspace_dir: Path | None, as_json: bool) -> None:
    """Process FILES, or every form waiting in the inbox.

    Accepted forms become documents and PDFs in the outbox and a row in the register; the
    original is archived in inbox/processed/. Rejected forms go to inbox/rejected/ with a
    report beside them. Exit status: 0 all accepted, 1 any rejected, 2 a setup problem or a fault (a full
    disk, a read-only register folder: the message says what to do).

    \b
    Example:
        pipeline run
        pipeline run --json ~/Documents/personal-budgets-policy.docx
    """
    ws = open_workspace(workspace_dir)
    result = run_batch(ws, list(files) if files else None)
    if as_json:
        click.echo(json.dumps(result.to_json(ws.root), indent=2))
    else:
        print_batch(result, ws.root)
    if result.fault:  # the forms are done; the register waits for the administrator
        faultlog.record(ws, result.fault)
        sys.exit(2)
    sys.exit(0 if result.ok else 1)
