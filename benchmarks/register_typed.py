"""What reading back managers' sign-offs costs a batch: the check when nobody edited
register.xlsx, and reading the sheet when someone did.

    .venv/bin/python benchmarks/register_typed.py [--policies 1000 5000]

For each size: a journal of that many policies and the register a sync writes from it, then
the median of 20 "was it edited?" checks (the journal's record of the file + its SHA-256:
what the sign-off check adds to every batch; the sync after it reads and hashes the file
again for its own check) and of 5 reads of the whole sheet (what a batch pays after a manager
saved the file). It measures; it never changes the pipeline.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.journal.store import Journal
from pipeline.register.typed import edited, read_typed
from pipeline.register.workbook import sync


def measure(policies: int, folder: Path) -> str:
    with Journal(folder / "journal.sqlite") as journal:
        with journal.transaction():
            for i in range(policies):
                values = {"title": f"Policy {i}", "version": 1, "policy_received": True}
                journal.upsert_policy(f"ASC-POL-{i:05d}", values)
        path = folder / "register.xlsx"
        sync(journal, path, today=date.today())
        checks = []
        for _ in range(20):
            start = time.perf_counter()
            written, _ = journal.register_shown()
            assert edited(path, written) is None
            checks.append(time.perf_counter() - start)
    data = path.read_bytes()
    reads = []
    for _ in range(5):
        start = time.perf_counter()
        assert len(read_typed(data).cells) == policies
        reads.append(time.perf_counter() - start)
    return (
        f"{policies} policies ({len(data) // 1024} KB): unedited check "
        f"{statistics.median(checks) * 1000:.1f} ms, reading the sheet "
        f"{statistics.median(reads) * 1000:.0f} ms (medians)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    for policies in args.policies:
        with tempfile.TemporaryDirectory() as tmp:
            print(measure(policies, Path(tmp)))


if __name__ == "__main__":
    main()
