from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.assemble.render import Assembler
from pipeline.commands.options import open_workspace, workspace_option


@click.group("templates")
def command() -> None:
    """Work with the DOCX templates documents are made from."""


@command.command("check")
@workspace_option
def check(workspace_dir: Path | None) -> None:
    """List template variables the framework does not provide, and fields a template leaves out.

    Run it after editing a template in Word. Exit status 1 when a template uses a
    variable that does not exist (a typo would fail every document made from it).

    \b
    Example:
        pipeline templates check
    """
    ws = open_workspace(workspace_dir)
    issues = Assembler(ws.templates, ws.framework()).check_templates()
    for issue in issues:
        click.echo(str(issue))
    errors = [i for i in issues if getattr(i, "severity", "error") == "error"]
    if not issues:
        click.echo("All templates use only what the framework provides.")
    sys.exit(1 if errors else 0)
