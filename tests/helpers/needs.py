"""What a test needs from the machine: skip when it is missing, but fail under ``CI=true``.

CI must be able to fail: a test that skipped quietly on a machine without LibreOffice, the
corpus or a mount would let a broken build pass. One rule, used by the markers in
``tests/conftest.py`` and by the helpers that make faults for real.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str, how: str) -> NoReturn:
    """Skip the test for want of ``what``; under ``CI=true``, fail it."""
    message = f"{what} is missing: {how}"
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        pytest.fail(f"{message} (CI=true, so this fails rather than skips)", pytrace=False)
    pytest.skip(message)
