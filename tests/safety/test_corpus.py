"""Every real-world Office file of the Apache POI corpus ends accepted or rejected, with a reason.

The 587 files (damaged, encrypted, legacy, macro-enabled, entity bombs, fuzzed) are
dropped into one inbox and processed by one real batch: none may crash the run or vanish.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.run import run_batch
from pipeline.workspace import init_workspace

OFFICE = {".doc", ".docx", ".docm", ".xls", ".xlsx", ".xlsm", ".pptx", ".pdf"}


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_corpus_file_ends_accepted_or_rejected_with_a_reason(
    tmp_path: Path, poi_corpus: Path
) -> None:
    files = sorted(p for p in poi_corpus.rglob("*") if p.is_file() and p.suffix.lower() in OFFICE)
    assert len(files) == 587
    ws = init_workspace(tmp_path / "ws")
    dropped = {}
    for path in files:
        name = "-".join(path.relative_to(poi_corpus).parts)
        shutil.copy(path, ws.inbox / name)
        dropped[name] = path.read_bytes()

    result = run_batch(ws)

    outcomes = [a.file for a in result.accepted] + [r.file for r in result.rejected]
    assert sorted(outcomes) == sorted(dropped)  # every file has exactly one outcome
    for rejected in result.rejected:
        assert rejected.reason and rejected.problems, rejected.file
        assert rejected.report is not None and rejected.report.is_file(), rejected.file
        assert (
            rejected.moved_to is not None
            and rejected.moved_to.read_bytes() == dropped[rejected.file]
        )
    for accepted in result.accepted:
        assert all(p.exists() for p in accepted.outputs), accepted.file
    # nothing left behind, nothing lost
    assert not any(ws.work.iterdir())
    kept = [
        p for p in ws.inbox.rglob("*") if p.is_file() and not p.name.endswith(" - problems.txt")
    ]
    assert len(kept) == len(dropped)
