"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.workspace import Workspace, load_workspace

F = TypeVar("F", bound=Callable[..., Any])


def workspace_option(fn: F) -> F:
    """``--workspace DIR``; without it the workspace is found from the current folder upward."""
    return click.option(
        "--workspace",
        "-w",
        "workspace_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The workspace folder (default: the nearest folder with pipeline.toml).",
    )(fn)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(
        fn
    )


def open_workspace(workspace_dir: Path | None) -> Workspace:
    return load_workspace(workspace_dir)
