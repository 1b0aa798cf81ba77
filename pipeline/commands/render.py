"""Printing results for people."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.outcome import BatchResult


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def print_batch(result: BatchResult, root: Path) -> None:
    if not result.accepted and not result.rejected:
        click.echo("No forms waiting.")
    for a in result.accepted:
        click.echo(f"accepted  {a.file}  {a.form_type}  {a.policy_ref}  {a.status}")
        for out in a.outputs:
            click.echo(f"          -> {_rel(out, root)}")
        for w in a.warnings:
            click.echo(f"          warning: {w.field + ': ' if w.field else ''}{w.message}")
        if a.note:
            click.echo(f"          {a.note}")
    for r in result.rejected:
        click.echo(f"rejected  {r.file}  {r.reason}")
        for p in r.problems:
            click.echo(f"          - {p.field + ': ' if p.field else ''}{p.message}")
        if r.report:
            click.echo(f"          report: {_rel(r.report, root)}")
    click.echo(
        f"{len(result.accepted)} accepted, {len(result.rejected)} rejected; {result.register_note}"
    )
