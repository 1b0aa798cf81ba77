from __future__ import annotations

from pathlib import Path

import click

from pipeline.blank_forms import write_blank_forms
from pipeline.commands.options import workspace_option
from pipeline.framework import load_framework
from pipeline.workspace import find_workspace, load_workspace


@click.command("forms")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@workspace_option
def command(directory: Path, workspace_dir: Path | None) -> None:
    """Write the blank forms officers fill into DIRECTORY, in Word and Excel.

    Uses the workspace's framework when run inside one, otherwise the default.

    \b
    Example:
        pipeline forms /shared/policy/blank-forms
    """
    try:
        framework = load_workspace(workspace_dir or find_workspace()).framework()
    except Exception:  # outside a workspace the packaged framework is the right one
        framework = load_framework(None)
    directory.mkdir(parents=True, exist_ok=True)
    for path in write_blank_forms(framework, directory):
        click.echo(str(path))
