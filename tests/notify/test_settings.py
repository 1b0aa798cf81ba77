"""The [mail] section: absent means off; a password is never read from pipeline.toml."""

from __future__ import annotations

import pytest

from pipeline.errors import ConfigError
from pipeline.notify.settings import PASSWORD_ENV, load_mail_settings
from pipeline.workspace import Workspace
from tests.conftest import WorkspaceFactory


def _with_mail(make_workspace: WorkspaceFactory, section: str) -> Workspace:
    ws = make_workspace()
    config = ws.root / "pipeline.toml"
    config.write_text(config.read_text(encoding="utf-8") + section, encoding="utf-8")
    return ws


def test_init_writes_the_section_commented_out_so_mail_is_off(workspace: Workspace) -> None:
    text = (workspace.root / "pipeline.toml").read_text(encoding="utf-8")
    assert "# [mail]" in text and "# host = " in text
    assert load_mail_settings(workspace) is None


def test_password_from_the_environment_first_then_the_file(
    make_workspace: WorkspaceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _with_mail(
        make_workspace,
        '\n[mail]\nhost = "smtp.council.example"\nport = 587\nstarttls = true\n'
        'from = "pipeline@council.example"\nusername = "pipe"\npassword_file = "secret"\n',
    )
    (ws.root / "secret").write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    settings = load_mail_settings(ws)
    assert settings is not None
    assert (settings.host, settings.port, settings.starttls) == ("smtp.council.example", 587, True)
    assert settings.password == "from-the-file"
    monkeypatch.setenv(PASSWORD_ENV, "from-the-environment")
    settings = load_mail_settings(ws)
    assert settings is not None and settings.password == "from-the-environment"


def test_a_password_in_the_toml_is_refused(make_workspace: WorkspaceFactory) -> None:
    ws = _with_mail(
        make_workspace, '\n[mail]\nhost = "smtp"\nfrom = "p@council.example"\npassword = "x"\n'
    )
    with pytest.raises(ConfigError, match="must not hold the password"):
        load_mail_settings(ws)
