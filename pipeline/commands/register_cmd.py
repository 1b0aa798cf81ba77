from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from pipeline.commands.options import json_option, open_workspace, workspace_option
from pipeline.journal.store import Journal
from pipeline.publish.outbox import Outbox
from pipeline.publish.signoff import take_from_register
from pipeline.register import workbook


@click.group("register")
def command() -> None:
    """Keep register.xlsx up to date and ask it questions."""


@command.command("sync")
@workspace_option
def sync(workspace_dir: Path | None) -> None:
    """Apply updates waiting in the journal to register.xlsx now.

    Updates wait when the register was open in Excel during a run. Exit status 1 if it
    is still open.

    \b
    Example:
        pipeline register sync
    """
    ws = open_workspace(workspace_dir)
    with Journal(ws.journal_path) as journal:
        # a sign-off typed in the register is taken first, or the sync would write over it
        typed = take_from_register(journal, Outbox(ws, ws.framework()), ws.register)
        result = workbook.sync(journal, ws.register)
    if typed:
        click.echo(typed)
    click.echo(result.reason or ("register updated" if result.written else "nothing to do"))
    sys.exit(0 if result.written or not journal_pending(ws.journal_path) else 1)


def journal_pending(path: Path) -> bool:
    with Journal(path) as journal:
        return journal.register_pending()


@command.command("rebuild")
@click.option(
    "--to",
    "to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the fresh register to this new file and leave register.xlsx untouched.",
)
@workspace_option
def rebuild(to: Path | None, workspace_dir: Path | None) -> None:
    """Recreate register.xlsx from the journal (the old file is kept as register.xlsx.bak).

    With --to, the fresh register goes to a new file instead, for when register.xlsx holds
    managers' work a sync would lose (`pipeline status` says so).

    \b
    Example:
        pipeline register rebuild
        pipeline register rebuild --to register-new.xlsx
    """
    ws = open_workspace(workspace_dir)
    with Journal(ws.journal_path) as journal:
        typed = take_from_register(journal, Outbox(ws, ws.framework()), ws.register)
        result = workbook.rebuild(journal, ws.register, to=to)
    if typed:
        click.echo(typed)
    click.echo(result.reason or "register rebuilt")
    sys.exit(0 if result.written else 1)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@command.command("due")
@click.option("--within", "within", default=90, show_default=True, help="Days ahead to look.")
@workspace_option
@json_option
def due(within: int, workspace_dir: Path | None, as_json: bool) -> None:
    """List policies whose review is overdue or due within DAYS.

    \b
    Example:
        pipeline register due --within 180
    """
    ws = open_workspace(workspace_dir)
    with Journal(ws.journal_path) as journal:
        rows = workbook.due(journal, within, date.today())
    if as_json:
        click.echo(
            json.dumps(
                [
                    {k: _plain(rows_value) for k, rows_value in r.items() if k != "documents"}
                    for r in rows
                ],
                indent=2,
                default=str,
            )
        )
        return
    if not rows:
        click.echo(f"No reviews due within {within} days.")
    for r in rows:
        click.echo(
            f"{r.get('ref', '')}  {r.get('next_review_text') or _plain(r.get('next_review'))}  {r.get('review_state', '')}  {r.get('title', '')}"
        )


@command.command("show")
@click.argument("ref")
@workspace_option
def show(ref: str, workspace_dir: Path | None) -> None:
    """Print one policy's register row and its history.

    \b
    Example:
        pipeline register show ASC-POL-001
    """
    ws = open_workspace(workspace_dir)
    with Journal(ws.journal_path) as journal:
        row = journal.policy(ref)
        if row is None:
            click.echo(f"Error: no policy {ref} in the register.", err=True)
            sys.exit(1)
        for column in workbook.COLUMNS:
            value = row.get(column.key)
            if value not in (None, ""):
                click.echo(f"{column.header}: {_plain(value)}")
        click.echo("History:")
        for event in journal.events(ref):
            click.echo(
                f"  {event.when:%d/%m/%Y %H:%M}  {event.outcome}  {event.file}  {event.detail}"
            )
