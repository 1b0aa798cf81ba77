"""Whole-or-nothing writes, and sweeping what a killed writer left half-written."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import atomic
from pipeline.run import Pipeline
from pipeline.workspace import init_workspace


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_writes_replace_the_target_and_leave_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.txt"
    atomic.write_text(target, "first")
    atomic.copy(target, tmp_path / "out" / "b.txt")
    atomic.write_text(target, "second")
    assert target.read_text() == "second"
    assert (tmp_path / "out" / "b.txt").read_text() == "first"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "b.txt"]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")

    def half(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.replace_with(target, half)
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_sweep_removes_only_temporaries_of_writers_that_are_gone(tmp_path: Path) -> None:
    host = socket.gethostname()
    gone = tmp_path / "deep" / f".policy.pdf.{host}-{dead_pid()}-0.tmp"
    gone.parent.mkdir()
    gone.write_bytes(b"half")
    mine = atomic.temp_for(tmp_path / "deep" / "policy.docx")
    mine.write_bytes(b"being written")
    elsewhere = tmp_path / f".register.xlsx.otherhost-{dead_pid()}-3.tmp"
    elsewhere.write_bytes(b"another machine's")
    officer = tmp_path / ".notes.tmp"
    officer.write_bytes(b"not ours")
    assert atomic.sweep(tmp_path) == [gone]
    assert {p.name for p in tmp_path.rglob("*")} == {
        "deep",
        mine.name,
        elsewhere.name,
        officer.name,
    }


def test_a_pipeline_starting_sweeps_what_a_killed_one_left(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    left = (
        ws.outbox / "ASC-POL-001" / "1" / f".policy.pdf.{socket.gethostname()}-{dead_pid()}-7.tmp"
    )
    left.parent.mkdir(parents=True)
    left.write_bytes(b"%PDF-1.6 half")
    with Pipeline(ws):
        assert not left.exists()
