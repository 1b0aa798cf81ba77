"""Real file-system faults for tests: a folder made read-only even for root.

The tests run as root, which ignores chmod; a read-only bind mount of a folder over itself
refuses every write with EROFS, as a share mounted read-only does. Skips where mounting is
not permitted.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.helpers.needs import missing


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` as a read-only bind mount of itself, for the ``with`` block."""
    made = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if made.returncode != 0:
        missing("a bind mount", made.stderr.decode().strip())
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
