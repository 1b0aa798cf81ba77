"""Row (f) alone: the register sync, without the batches, conversions and peers of run.py.

    .venv/bin/python benchmarks/register.py [--policies 1000 5000] [--updates 100] [--profile]

Runs one batch of the sample forms (so the template policy is a real journal row), then for
each size: the first sync of a register of that many policies, 100 upserts + sync (row (f)),
and one upsert + sync (``run.register_sync``): wall-clock, as ``make bench`` reports, and
this process's CPU, which swings less on a busy machine (wall time also waits for fsyncs). ``--profile`` prints pyinstrument's call tree for a
100-upsert sync of the first size. It measures; it never changes the pipeline.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import date
from pathlib import Path

import run
from pyinstrument import Profiler

from pipeline.journal.store import Journal
from pipeline.register import workbook


def profiled(tmp: Path, policies: int, updates: int) -> None:
    profiler = Profiler(interval=0.001)
    journal = Journal(tmp / "reg" / "journal.sqlite")
    try:
        with journal.transaction():
            for i in range(0, policies, max(1, policies // updates)):
                journal.upsert_policy(f"BENCH-{i:05d}", {"status": "in consultation"})
        profiler.start()
        workbook.sync(journal, tmp / "reg" / "register.xlsx", today=date.today())
        profiler.stop()
    finally:
        journal.close()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-register-") as name:
        tmp = Path(name)
        ws, _ = run.batch(tmp, "ws", 3, warm=True)
        template = run.first_policy(ws)
        for n in args.policies:
            if (tmp / "reg").exists():
                shutil.rmtree(tmp / "reg")
            f = run.register_sync(tmp, template, n, args.updates)
            cpu = f["cpu_s"]
            print(
                f"{n:>6} policies, wall (CPU): first sync {f['first_sync_s']:.2f} s "
                f"({cpu['first_sync']:.2f}), {args.updates} upserts + sync "
                f"{f['update_and_sync_s']:.2f} s ({cpu['update_and_sync']:.2f}), "
                f"1 upsert + sync {f['one_update_and_sync_s']:.2f} s ({cpu['one']:.2f})"
            )
            if args.profile and n == args.policies[0]:
                profiled(tmp, n, args.updates)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
