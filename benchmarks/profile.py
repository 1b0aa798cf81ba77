"""Where row (g)'s CPU goes: pyinstrument over a policy's per-document work, top entries.

    .venv/bin/python benchmarks/profile.py [--repeat N] [--top N]

Runs the stages of ``stages.py`` for the sample policy (safety check, read, validate,
render DOCX, render HTML, compare with a previous version, finish a PDF, journal) under
pyinstrument and prints the functions with the most time of their own and the stages'
totals. It profiles; it never changes anything. pyinstrument is in the ``dev`` extra.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import run
from pyinstrument import Profiler
from pyinstrument.frame import Frame
from stages import stages, unfinished_pdf


def own_times(frame: Frame, into: dict[str, float]) -> dict[str, float]:
    """Self time per function (file:line function), summed over the whole call tree."""
    if not frame.is_synthetic:
        file = frame.file_path or "?"
        file = "/".join(Path(file).parts[-3:]) if file.startswith("/") else file
        where = f"{file}:{frame.line_no} {frame.function}"
        into[where] = into.get(where, 0.0) + frame.total_self_time
    for child in frame.children:
        own_times(child, into)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pipeline-profile-") as name:
        ws, _ = run.batch(Path(name), "ws", 3, warm=True)
        raw = unfinished_pdf(ws)  # LibreOffice's time is not the pipeline's
        profiler = Profiler(interval=0.001)
        profiler.start()
        results = stages(ws, raw, repeat=args.repeat)
        profiler.stop()
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    total = root.time
    print(f"{'function (own time)':<72} share")
    for where, seconds in sorted(own_times(root, {}).items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{where[:72]:<72} {seconds / total:5.1%}")
    print()
    for stage, ms in results.items():
        if stage.startswith("policy") or stage in ("finish a PDF", "journal transaction"):
            print(f"{stage:<50} {ms:6.1f} ms CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
