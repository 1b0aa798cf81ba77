"""pipeline.toml's [publish] contact: written by `pipeline init`, read, refused when unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.workspace import DEFAULT_CONTACT, init_workspace, load_workspace


def test_init_writes_the_default_contact_and_a_changed_one_is_read(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    assert ws.publish_contact == DEFAULT_CONTACT
    config = ws.root / "pipeline.toml"
    text = config.read_text(encoding="utf-8")
    assert f'contact = "{DEFAULT_CONTACT}"' in text
    config.write_text(text.replace(DEFAULT_CONTACT, "asc.policy@devon.gov.uk"), encoding="utf-8")
    assert load_workspace(ws.root).publish_contact == "asc.policy@devon.gov.uk"


def test_an_empty_contact_is_refused_with_what_to_write(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    config = ws.root / "pipeline.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(f'"{DEFAULT_CONTACT}"', '""'), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"\[publish\] contact"):
        load_workspace(ws.root)
