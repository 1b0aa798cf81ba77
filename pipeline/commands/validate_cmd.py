from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pipeline.commands.options import json_option, open_workspace, workspace_option
from pipeline.run import Pipeline
from pipeline.validate.rules import has_errors, problems_as_json


@click.command("validate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@workspace_option
@json_option
def command(files: tuple[Path, ...], workspace_dir: Path | None, as_json: bool) -> None:
    """Check FILES against the framework without producing anything.

    Lists every problem in each form. Exit status 0 when all are valid, 1 otherwise.

    \b
    Example:
        pipeline validate inbox/personal-budgets-policy.docx
    """
    ws = open_workspace(workspace_dir)
    report: list[dict[str, Any]] = []
    all_ok = True
    with Pipeline(ws) as pipeline:
        for path in files:
            record, problems = pipeline.check(path)
            ok = record is not None and not has_errors(problems)
            all_ok &= ok
            report.append(
                {
                    "file": str(path),
                    "form_type": record.form_type if record else None,
                    "valid": ok,
                    "problems": problems_as_json(problems),
                }
            )
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        for entry in report:
            click.echo(f"{'valid  ' if entry['valid'] else 'invalid'}  {entry['file']}")
            for p in entry["problems"]:
                label = f"{p['field']}: " if p["field"] else ""
                click.echo(f"         {p['severity']}: {label}{p['message']}")
    sys.exit(0 if all_ok else 1)
