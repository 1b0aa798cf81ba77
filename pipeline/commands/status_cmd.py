from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.options import open_workspace, workspace_option
from pipeline.watch.status import workspace_status


@click.command("status")
@workspace_option
def command(workspace_dir: Path | None) -> None:
    """Show what is waiting, in progress and recently processed, and whether a watcher runs.

    \b
    Example:
        pipeline status
    """
    ws = open_workspace(workspace_dir)
    for line in workspace_status(ws).lines():
        click.echo(line)
