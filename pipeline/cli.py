"""The command line: parse options, call the library, print.

Every command is a thin wrapper whose docstring is its --help. Expected failures
(:class:`PipelineError`, and the faults of the machine :func:`pipeline.faults.explain`
recognises: a full disk, a share gone, a folder refused) print one line, ``Error: ...``, and
exit with their code (2 for faults, logged in the workspace's faults.log); anything
unexpected exits 3 with the traceback written to a log file the message points to.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pipeline import __version__, atomic
from pipeline.commands import (
    diff_cmd,
    forms_cmd,
    framework_cmd,
    init_cmd,
    register_cmd,
    remind_cmd,
    run_cmd,
    status_cmd,
    templates_cmd,
    validate_cmd,
    watch_cmd,
)
from pipeline.commands.options import WORKSPACE_META
from pipeline.errors import ConverterUnavailable, Fault, PipelineError
from pipeline.faults import explain
from pipeline.watch import faultlog

UNEXPECTED_EXIT = 3


class _Group(click.Group):
    """Turns errors into one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            if isinstance(exc, Fault | ConverterUnavailable):
                _log_fault(ctx, exc.message)
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # `pipeline register due | head`: the reader has had enough
            _quiet_stdout()
            sys.exit(0)
        except Exception as exc:
            ws = ctx.meta.get(WORKSPACE_META)
            root, journal = (ws.root, ws.journal_path) if ws is not None else (None, None)
            fault = explain(exc, root=root, journal=journal)
            if fault is not None:  # a full disk, a share gone: the administrator's to fix
                _log_fault(ctx, fault.message)
                click.echo(f"Error: {fault.message}", err=True)
                sys.exit(fault.exit_code)
            log = _crash_log()
            click.echo(
                f"Error: something unexpected went wrong; nothing has been lost. "
                f"Please send {log} to the administrator.",
                err=True,
            )
            sys.exit(UNEXPECTED_EXIT)


def _log_fault(ctx: click.Context, message: str) -> None:
    """Note the fault in the workspace's fault log, for `pipeline status` and the record."""
    ws = ctx.meta.get(WORKSPACE_META)
    if ws is not None:
        faultlog.record(ws, message)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not fail on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _crash_log() -> Path:
    folder = Path.home() / ".cache" / "pipeline"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path("/tmp")
    log = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
    atomic.write_text(log, traceback.format_exc())
    return log


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli() -> None:
    """Turn officers' policy forms into published documents and the policy register.

    Officers drop filled Word or Excel forms into the workspace's inbox/. `pipeline run`
    processes what is waiting; `pipeline watch` does it as files arrive.

    \b
    Example:
        pipeline init council && cp examples/*.docx council/inbox/
        cd council && pipeline run
    """


for module in (
    init_cmd,
    run_cmd,
    validate_cmd,
    watch_cmd,
    status_cmd,
    forms_cmd,
    framework_cmd,
    templates_cmd,
    register_cmd,
    remind_cmd,
    diff_cmd,
):
    cli.add_command(module.command)


def main() -> None:
    cli(prog_name="pipeline")
