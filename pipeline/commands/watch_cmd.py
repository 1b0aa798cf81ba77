from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.options import open_workspace, workspace_option
from pipeline.watch.watcher import serve


@click.command("watch")
@click.option(
    "--poll",
    "poll",
    type=float,
    default=None,
    help="Poll every SECONDS instead of waiting for events (for SMB/NFS shares).",
)
@workspace_option
def command(poll: float | None, workspace_dir: Path | None) -> None:
    """Watch the inbox and process each form once it is completely written.

    Runs until stopped with Ctrl+C or SIGTERM; the file in hand is finished first.

    \b
    Example:
        pipeline watch
        pipeline watch --poll 5      # on a network share
    """
    ws = open_workspace(workspace_dir)
    serve(ws, poll_seconds=poll)
