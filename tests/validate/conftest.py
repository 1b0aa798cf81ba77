"""The validate tests' shared fixture: the Devon framework, loaded once per module."""

from __future__ import annotations

import pytest

from pipeline.framework import Framework
from pipeline.framework_load import default_framework


@pytest.fixture(scope="module")
def devon() -> Framework:
    return default_framework()
