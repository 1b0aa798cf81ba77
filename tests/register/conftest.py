"""The register tests' shared fixture: an open journal in a temporary workspace, closed after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.journal.store import Journal


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / ".pipeline" / "journal.sqlite") as j:
        yield j
