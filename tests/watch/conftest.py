"""Every watch test is checked for leaked threads.

The watcher starts observers, emitters and worker threads; one left running per restart
eventually stops the service. ``no_thread_leaks`` (tests/conftest.py) is requested by every
test here; ``start_watcher`` requests it too, so pytest tears ``start_watcher`` down (stop,
join) before the check runs: a fixture is torn down before the fixtures it depends on.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _every_watch_test_leaks_no_threads(no_thread_leaks: None) -> None:
    """Applies the thread-leak check to each test in tests/watch/."""
