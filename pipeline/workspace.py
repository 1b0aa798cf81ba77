"""Workspaces: a folder with pipeline.toml saying where everything is.

Commands find the workspace from the current folder upward, as git finds its repository,
or from ``--workspace DIR``. Paths in pipeline.toml are relative to the workspace, so a
workspace on a shared drive works from any machine that mounts it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import atomic
from pipeline.convert.settings import ConverterSettings
from pipeline.errors import ConfigError, WorkspaceNotFound
from pipeline.framework import Framework
from pipeline.framework_load import load_framework
from pipeline.register import workbook

CONFIG_NAME = "pipeline.toml"

DEFAULT_CONFIG = """\
# pipeline workspace settings. Paths are relative to this file's folder.

[paths]
# Officers drop filled forms here. Accepted forms are archived in inbox/processed/<date>/,
# rejected ones go to inbox/rejected/ with a report beside them.
inbox = "inbox"
# Finished documents: outbox/<policy ref>/<version>/ and outbox/publish/ for the web team.
outbox = "outbox"
# The register management reads.
register = "register.xlsx"
# The DOCX templates (docxtpl). Empty means the templates shipped with the pipeline.
templates = "{templates}"
# The framework file. Empty means the Devon framework shipped with the pipeline;
# copy it (`pipeline framework show --source`) and point here to adapt it.
framework = ""
# The journal (SQLite), logs and LibreOffice profiles.
state = ".pipeline"

[converter]
# "warm" keeps LibreOffice running between documents (fast); "oneshot" starts it per batch.
mode = "warm"
# How many LibreOffice processes convert at once: the number of CPU cores is a good start.
workers = 2
# Seconds one document may take before its LibreOffice is restarted.
timeout = 120
# Restart a warm LibreOffice after this many documents (it slows and can die after hundreds).
recycle_after = 200
# Also write a PDF/A-2b archive copy.
pdfa = false

[watch]
# A file is taken once its size and time are unchanged for this many seconds.
quiet_seconds = 2.0
# Poll the inbox every N seconds instead of waiting for events (for SMB/NFS shares); 0 = events.
poll_seconds = 0
# Look through the whole inbox every N seconds, in case an event was missed.
scan_seconds = 60
# `pipeline status --check` (for monitoring) fails when a form or a register update has
# waited longer than this many minutes.
alert_minutes = 30

[publish]
# Who the public list (outbox/publish/index.html) says to ask for another format: an email
# address becomes a link; any other text is shown as it is.
contact = "the Adult Social Care policy team"

# Email: receipts and problems to officers, publications and review reminders to owners.
# Without a host nothing is sent. The password is never written here: set the environment
# variable PIPELINE_SMTP_PASSWORD, or name a file only the service can read in password_file.
# Addresses for names on forms come from people.csv beside this file (name,email,role).
# [mail]
# host = "smtp.example.gov.uk"
# port = 587
# starttls = true
# from = "policy-pipeline@example.gov.uk"
# username = "policy-pipeline"
# password_file = "/etc/pipeline/smtp-password"
# # The policy manager, who gets the weekly digest of reviews due and overdue.
# manager = "policy.manager@example.gov.uk"
"""

DEFAULT_CONTACT = "the Adult Social Care policy team"


@dataclass(frozen=True)
class WatchSettings:
    quiet_seconds: float = 2.0
    poll_seconds: float = 0.0
    scan_seconds: float = 60.0
    alert_minutes: float = 30.0


@dataclass(frozen=True)
class Workspace:
    root: Path
    inbox: Path
    outbox: Path
    register: Path
    templates: Path
    framework_path: Path | None
    state: Path
    converter: ConverterSettings
    watch: WatchSettings = field(default_factory=WatchSettings)
    publish_contact: str = DEFAULT_CONTACT

    @property
    def processed(self) -> Path:
        """Accepted originals, in dated subfolders."""
        return self.inbox / "processed"

    @property
    def rejected(self) -> Path:
        """Rejected originals, each with its report."""
        return self.inbox / "rejected"

    @property
    def work(self) -> Path:
        """Files claimed by a run; on the inbox's own filesystem so claiming is one rename."""
        return self.inbox / ".processing"

    @property
    def journal_path(self) -> Path:
        return self.state / "journal.sqlite"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @property
    def publish_dir(self) -> Path:
        return self.outbox / "publish"

    def framework(self) -> Framework:
        return load_framework(self.framework_path)

    def ensure_folders(self) -> None:
        for folder in (
            self.inbox,
            self.outbox,
            self.processed,
            self.rejected,
            self.work,
            self.state,
            self.logs,
        ):
            atomic.make_dirs(folder)


def packaged_templates() -> Path:
    """The templates folder shipped beside the package (the repository's templates/)."""
    return Path(__file__).resolve().parent.parent / "templates"


def find_workspace(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding pipeline.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceNotFound(
        f"No {CONFIG_NAME} in {here} or any folder above it. "
        "Run the command inside a workspace, give --workspace DIR, or make one with `pipeline init DIR`."
    )


def load_workspace(root: Path | None = None) -> Workspace:
    """Read a workspace's pipeline.toml; ``root`` None means search upward from here."""
    folder = find_workspace(root) if root is None else root.resolve()
    config = folder / CONFIG_NAME
    if not config.is_file():
        raise WorkspaceNotFound(
            f"{folder} is not a workspace: it has no {CONFIG_NAME}. Make one with `pipeline init {folder}`."
        )
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config} is not valid TOML: {exc}.") from exc
    return _from_config(folder, config, data)


def _from_config(folder: Path, config: Path, data: dict[str, Any]) -> Workspace:
    paths = data.get("paths", {})
    conv = data.get("converter", {})
    watch = data.get("watch", {})

    def path(key: str, default: str) -> Path:
        value = paths.get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"{config}: [paths] {key} should be a folder name in quotes.")
        return (folder / value).resolve()

    templates_value = paths.get("templates", "")
    framework_value = paths.get("framework", "")
    mode = conv.get("mode", "warm")
    if mode not in ("warm", "oneshot"):
        raise ConfigError(f'{config}: [converter] mode must be "warm" or "oneshot", not {mode!r}.')
    try:
        converter = ConverterSettings(
            mode=mode,
            workers=max(1, int(conv.get("workers", 2))),
            timeout=float(conv.get("timeout", 120)),
            soffice=str(conv.get("soffice", "soffice")),
            recycle_after=int(conv.get("recycle_after", 200)),
            pdfa=bool(conv.get("pdfa", False)),
        )
        watch_settings = WatchSettings(
            quiet_seconds=float(watch.get("quiet_seconds", 2.0)),
            poll_seconds=float(watch.get("poll_seconds", 0)),
            scan_seconds=float(watch.get("scan_seconds", 60)),
            alert_minutes=float(watch.get("alert_minutes", 30)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{config}: a [converter] or [watch] setting is not a number: {exc}."
        ) from exc
    return Workspace(
        root=folder,
        inbox=path("inbox", "inbox"),
        outbox=path("outbox", "outbox"),
        register=path("register", "register.xlsx"),
        templates=(folder / templates_value).resolve() if templates_value else packaged_templates(),
        framework_path=(folder / framework_value).resolve() if framework_value else None,
        state=path("state", ".pipeline"),
        converter=converter,
        watch=watch_settings,
        publish_contact=_contact(config, data.get("publish", {})),
    )


def _contact(config: Path, publish: dict[str, Any]) -> str:
    contact = publish.get("contact", DEFAULT_CONTACT)
    if not isinstance(contact, str) or not contact.strip():
        raise ConfigError(
            f"{config}: [publish] contact should be an email address or a name in quotes, "
            f'such as contact = "policy.team@example.gov.uk".'
        )
    return contact.strip()


def init_workspace(folder: Path) -> Workspace:
    """Make a fresh workspace: folders, a commented pipeline.toml and an empty register.

    An existing pipeline.toml is left as it is, so ``init`` is safe to run twice.
    """
    atomic.make_dirs(folder)
    config = folder / CONFIG_NAME
    if not config.exists():
        atomic.write_text(config, DEFAULT_CONFIG.format(templates=""))
    workspace = load_workspace(folder)
    workspace.ensure_folders()
    if not workspace.register.exists():
        workbook.create_empty(workspace.register)
    return workspace
