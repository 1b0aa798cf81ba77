from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.options import workspace_framework, workspace_option


@click.group("framework")
def command() -> None:
    """Show the policy framework the pipeline applies."""


@command.command("show")
@workspace_option
@click.option("--source", is_flag=True, help="Print the framework file itself, to copy and adapt.")
def show(workspace_dir: Path | None, source: bool) -> None:
    """Print the framework: forms, fields, sections, areas and rules.

    \b
    Example:
        pipeline framework show
        pipeline framework show --source > our-framework.toml
    """
    fw = workspace_framework(workspace_dir)
    if source:
        click.echo(Path(fw.source).read_text(encoding="utf-8"), nl=False)
        return
    click.echo(f"{fw.name} ({fw.council}), version {fw.version}")
    click.echo(f"File: {fw.source}")
    click.echo(
        f"Reviews every {fw.review_cycle_months} months; 'due soon' within {fw.due_soon_days} days."
    )
    click.echo(
        f"References look like {fw.reference_example} ({fw.reference_pattern.pattern}); "
        f"versions like 1.4 ({fw.version_pattern.pattern})."
    )
    click.echo("Sign-off levels: " + ", ".join(lv.label for lv in fw.sign_off_levels))
    for ct in fw.change_types:
        click.echo(
            f"  {ct.label}: needs sign-off by {fw.sign_off_level(ct.minimum_sign_off).label} or higher"
        )
    for form in fw.forms.values():
        click.echo(f"\n{form.label} ({form.key}): {form.description}")
        for f in form.fields:
            click.echo(f"  {'*' if f.required else ' '} {f.label} [{f.type}]  {f.help}")
        for s in form.sections:
            click.echo(f"  {'*' if s.required else ' '} section: {s.title}")
        for i, a in enumerate(form.areas, start=1):
            click.echo(f"    area {i}: {a.title}")
        if form.columns:
            click.echo("    table: " + " | ".join(c.label for c in form.columns))
    click.echo("\nRules:")
    for rule in fw.rules:
        click.echo(f"  {fw.form(rule.form).label}: {rule.message}")
    click.echo("\n* required")
