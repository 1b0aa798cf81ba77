from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.options import workspace_framework, workspace_option
from pipeline.forms.blank.write import write_blank_forms


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
    framework = workspace_framework(workspace_dir)
    for path in write_blank_forms(framework, directory):
        click.echo(str(path))
