from __future__ import annotations

from pathlib import Path

import click

from pipeline.workspace import init_workspace


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def command(directory: Path) -> None:
    """Make a new workspace in DIRECTORY: inbox, outbox, register and settings.

    Safe to run again: existing settings and the register are kept.

    \b
    Example:
        pipeline init /srv/policy
    """
    ws = init_workspace(directory)
    click.echo(f"Workspace ready in {ws.root}")
    click.echo(f"  drop forms in:   {ws.inbox}")
    click.echo(f"  documents in:    {ws.outbox}")
    click.echo(f"  register:        {ws.register}")
    click.echo(f"  settings:        {ws.root / 'pipeline.toml'}")
