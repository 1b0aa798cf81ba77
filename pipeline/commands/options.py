"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.errors import WorkspaceNotFound
from pipeline.framework import Framework
from pipeline.framework_load import load_framework
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


WORKSPACE_META = "pipeline.workspace"


def open_workspace(workspace_dir: Path | None) -> Workspace:
    """The workspace, remembered in click's context so the CLI can log a fault in it."""
    ws = load_workspace(workspace_dir)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[WORKSPACE_META] = ws
    return ws


def workspace_framework(workspace_dir: Path | None) -> Framework:
    """The workspace's framework; outside any workspace, the packaged default.

    Only "no workspace here" falls back: a workspace whose framework file is broken is
    an error, never silently replaced by another council's framework.
    """
    try:
        return load_workspace(workspace_dir).framework()
    except WorkspaceNotFound:
        if workspace_dir is not None:
            raise
        return load_framework(None)
