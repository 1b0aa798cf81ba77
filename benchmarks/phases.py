"""Where one batch's wall time goes: reading, rendering with conversion, settling, register.

    .venv/bin/python benchmarks/phases.py [--forms N] [--all-kinds]

Makes N policies (``--all-kinds``: policies, plans and responses in turn, as ``make bench``
row (b)) in a fresh workspace, starts LibreOffice, then runs one batch and sums the wall time
spent in each of the batch's phases (``Pipeline._read`` for every form before the first
conversion, ``_prepare_and_convert``, ``Settler.accept`` after the last conversion, the
manifest and the register; the rest, such as claiming the files and taking sign-offs typed
in the register, is "everything else"). LibreOffice is idle while forms are read and settled, so those
two phases are what the peer row (p) pays beyond conversion. It measures; it changes nothing
(the methods are wrapped on this one pipeline object only).
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from pathlib import Path
from typing import Any

import run as bench

from pipeline.run import Pipeline
from pipeline.workspace import load_workspace

PHASES = {
    "read every form (LibreOffice idle)": ("pipeline", "_read"),
    "render and convert": ("pipeline", "_prepare_and_convert"),
    "settle every form (LibreOffice idle)": ("settler", "accept"),
    "manifest": ("outbox", "write_manifest"),
    "register": ("pipeline", "_sync_register"),
}


def timed(owner: Any, name: str, into: dict[str, float], phase: str) -> None:
    action = getattr(owner, name)

    @functools.wraps(action)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return action(*args, **kwargs)
        finally:
            into[phase] = into.get(phase, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=40)
    parser.add_argument("--all-kinds", action="store_true")
    args = parser.parse_args()
    samples = bench.SAMPLES if args.all_kinds else bench.SAMPLES[:1]
    with tempfile.TemporaryDirectory(prefix="pipeline-phases-") as name:
        ws_dir = bench.write_workspace(Path(name) / "ws")
        bench.make_forms(ws_dir / "inbox", args.forms, samples=samples)
        spent: dict[str, float] = {}
        with Pipeline(load_workspace(ws_dir)) as pipeline:
            pipeline.converter  # noqa: B018 - LibreOffice up before the clock, as row (p)
            owners = {"pipeline": pipeline, "settler": pipeline.settler, "outbox": pipeline.outbox}
            for phase, (owner, method) in PHASES.items():
                timed(owners[owner], method, spent, phase)
            start = time.perf_counter()
            result = pipeline.run()
            total = time.perf_counter() - start
    done = max(1, len(result.accepted))
    print(f"{'phase':<40} {'s':>6} {'ms/doc':>7}")
    for phase in PHASES:
        seconds = spent.get(phase, 0.0)
        print(f"{phase:<40} {seconds:6.2f} {seconds / done * 1000:7.1f}")
    rest = total - sum(spent.values())
    print(f"{'everything else':<40} {rest:6.2f} {rest / done * 1000:7.1f}")
    print(f"{'whole batch':<40} {total:6.2f} {total / done * 1000:7.1f}  ({done} accepted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
