from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.commands.options import json_option, open_workspace, workspace_option
from pipeline.watch.health import problem
from pipeline.watch.status import workspace_status


@click.command("status")
@workspace_option
@json_option
@click.option(
    "--check",
    is_flag=True,
    help="For monitoring: print one line and exit 1 unless all is well "
    "(watcher running, nothing waiting longer than [watch] alert_minutes, no fault).",
)
def command(workspace_dir: Path | None, as_json: bool, check: bool) -> None:
    """Show what is waiting, in progress and recently processed, and whether a watcher runs.

    Lists forms waiting and in progress, register updates waiting and why (who has
    register.xlsx open, and since when), and the last fault. --check exits 0 when the
    watcher runs, nothing has waited too long and the last run had no fault, else 1.

    \b
    Example:
        pipeline status
        pipeline status --check || mail -s "pipeline needs attention" it@example.org
    """
    ws = open_workspace(workspace_dir)
    status = workspace_status(ws)
    if check:
        why = problem(status, ws.watch.alert_minutes)
        click.echo(f"PROBLEM: {why}" if why else "OK: the watcher is running and nothing is stuck")
        sys.exit(1 if why else 0)
    if as_json:
        click.echo(json.dumps(status.to_json(), indent=2))
        return
    for line in status.lines():
        click.echo(line)
