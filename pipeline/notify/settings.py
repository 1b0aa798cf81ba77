"""The ``[mail]`` section of pipeline.toml: where mail goes out, and who manages policy.

Why: without the section nothing is sent and nothing fails, so a workspace that never
mails behaves exactly as before. It refuses to read a password from pipeline.toml (which
sits on a shared drive): the password comes only from ``PIPELINE_SMTP_PASSWORD`` or the
file ``password_file`` names.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.workspace import CONFIG_NAME, Workspace

PASSWORD_ENV = "PIPELINE_SMTP_PASSWORD"


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    starttls: bool = False
    sender: str = ""
    username: str = ""
    password: str = ""
    manager: str = ""  # the policy manager's address, for the weekly digest
    timeout: float = 30.0


def load_mail_settings(ws: Workspace) -> MailSettings | None:
    """The workspace's mail settings, or None when pipeline.toml has no ``[mail]`` host."""
    config = ws.root / CONFIG_NAME
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None  # loading the workspace has already said what is wrong with the file
    mail: dict[str, Any] = data.get("mail", {})
    if not mail.get("host"):
        return None
    if "password" in mail:
        raise ConfigError(
            f"{config}: [mail] must not hold the password. Put it in the environment variable "
            f"{PASSWORD_ENV}, or in a file only the service can read and name it in password_file."
        )
    try:
        port = int(mail.get("port", 25))
        timeout = float(mail.get("timeout", 30))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{config}: [mail] port and timeout must be numbers: {exc}.") from exc
    sender = str(mail.get("from", ""))
    if not sender:
        raise ConfigError(f'{config}: [mail] needs from = "address" to send from.')
    return MailSettings(
        host=str(mail["host"]),
        port=port,
        starttls=bool(mail.get("starttls", False)),
        sender=sender,
        username=str(mail.get("username", "")),
        password=_password(ws.root, config, mail),
        manager=str(mail.get("manager", "")),
        timeout=timeout,
    )


def _password(root: Path, config: Path, mail: dict[str, Any]) -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    name = mail.get("password_file")
    if not name:
        return ""
    path = root / str(name)
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            f"{config}: [mail] password_file {path} cannot be read ({exc.strerror})."
        ) from exc
