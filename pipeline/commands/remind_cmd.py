from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pipeline.commands.options import open_workspace, workspace_option
from pipeline.journal.store import Journal
from pipeline.notify.people import People
from pipeline.notify.remind import remind
from pipeline.notify.settings import load_mail_settings


@click.command("remind")
@workspace_option
def command(workspace_dir: Path | None) -> None:
    """Email business owners their policies due for review soon, due or overdue, and the
    policy manager ([mail] manager) a weekly digest; then send any mail still waiting.

    Each reminder goes once per policy and stage, so it is safe to run hourly (the systemd
    timer in deploy/ runs it daily). Without [mail] in pipeline.toml nothing is sent.

    \b
    Example:
        pipeline remind
    """
    ws = open_workspace(workspace_dir)
    settings = load_mail_settings(ws)
    if settings is None:
        click.echo("No [mail] host in pipeline.toml: nothing sent.")
        return
    people = People.load(ws.root)
    with Journal(ws.journal_path) as journal:
        found, delivery = remind(
            journal, settings, people, ws.framework().due_soon_days, date.today()
        )
    for address, items in found.owners.items():
        click.echo(f"Reminder to {address}: {', '.join(i.ref for i in items)}")
    for item in found.unreached:
        click.echo(
            f"No address for {item.owner or '(no owner named)'} ({item.ref}): add to people.csv"
        )
    if found.digest_to:
        click.echo(f"Weekly digest to {found.digest_to}: {len(found.due)} policies")
    click.echo(f"Mail: {delivery.sent} sent, {delivery.waiting} waiting")
    if delivery.error:
        click.echo(f"Mail: {delivery.error}; the messages wait and are tried again.")
