"""Shared fixtures: real workspaces, real forms, and a guard against leaked threads.

Nothing here is a mock: workspaces are made by ``init_workspace`` exactly as ``pipeline
init`` makes them, and forms are the committed samples in ``examples/`` (with the title
changed, so that every copy is a distinct policy with distinct bytes).

What the tests need from the machine is declared once, here: ``@pytest.mark.requires_libreoffice``,
``@pytest.mark.requires_uno`` and the ``poi_corpus`` fixture. Without it a test skips,
saying what is missing and how to get it; under ``CI=true`` it fails instead, so a build
machine that lost LibreOffice or the corpus cannot pass by skipping the tests that use them.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest

from pipeline.workspace import Workspace, init_workspace, load_workspace
from tests.helpers.needs import missing
from tests.helpers.paths import EXAMPLES, SAMPLE_POLICY, poi_corpus_path
from tests.helpers.smtp import SmtpServer

if TYPE_CHECKING:  # imported lazily: a conftest that imports the whole pipeline breaks every test
    from pipeline.watch.watcher import Watcher

_INSTALL = "run scripts/install-system.sh (or apt-get install {})"


@functools.cache
def _has_uno() -> bool:
    from pipeline.convert.base import find_uno_python  # lazily, as the watcher below

    return find_uno_python() is not None


_REQUIRES: dict[str, tuple[Callable[[], bool], str, str]] = {
    "requires_libreoffice": (
        lambda: shutil.which("soffice") is not None,
        "LibreOffice (soffice on PATH)",
        _INSTALL.format("libreoffice-writer-nogui libreoffice-calc-nogui"),
    ),
    "requires_uno": (
        _has_uno,
        "python3-uno (a Python that can import uno)",
        _INSTALL.format("python3-uno") + ", or set PIPELINE_UNO_PYTHON",
    ),
    "requires_chromium": (
        lambda: all(shutil.which(p) for p in ("chromium", "chromedriver")),
        "Chromium and its driver (chromium, chromedriver on PATH)",
        _INSTALL.format("chromium chromium-driver"),
    ),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, (present, what, how) in _REQUIRES.items():
        if item.get_closest_marker(marker) is not None and not present():
            missing(what, how)


@pytest.fixture(scope="session")
def poi_corpus() -> Path:
    """The POI corpus folder (skips, or under CI fails, when it is not there)."""
    path = poi_corpus_path()
    if not path.is_dir():
        missing(
            f"the Apache POI corpus ({path})",
            "put it at shared/corpus/poi beside the checkout, or set POI_CORPUS to its folder",
        )
    return path


@pytest.fixture
def no_thread_leaks() -> Iterator[None]:
    """Fail the test if it leaves a thread running (as watchdog's own test suite does).

    A service that leaks a thread per restart eventually stops; this catches it in a test.
    Threads get a few seconds to finish, since observers and emitters stop asynchronously.
    """
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 10
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    while leaked and time.monotonic() < deadline:
        time.sleep(0.05)
        leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"the test leaked threads: {leaked}"


WorkspaceFactory = Callable[..., Workspace]


@pytest.fixture
def make_workspace(tmp_path: Path) -> WorkspaceFactory:
    """``make_workspace(mode="oneshot", quiet=1.0, poll=0, scan=60, workers=1, name="ws")``.

    One LibreOffice worker by default: the suite runs on two cores.
    """

    def make(
        *,
        mode: str = "oneshot",
        quiet: float = 1.0,
        poll: float = 0,
        scan: float = 60,
        workers: int = 1,
        name: str = "ws",
    ) -> Workspace:
        ws = init_workspace(tmp_path / name)
        config = ws.root / "pipeline.toml"
        text = config.read_text(encoding="utf-8")
        for key, value in (
            ("mode", f'"{mode}"'),
            ("workers", str(workers)),
            ("quiet_seconds", str(quiet)),
            ("poll_seconds", str(poll)),
            ("scan_seconds", str(scan)),
        ):
            text, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
            assert count == 1, key
        config.write_text(text, encoding="utf-8")
        return load_workspace(ws.root)

    return make


@pytest.fixture(scope="session")
def sample_outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outbox after one run over the sample forms in examples/ (as ``make demo`` does)."""
    if shutil.which("soffice") is None:
        missing("LibreOffice (soffice on PATH)", _INSTALL.format("libreoffice-writer-nogui"))
    from pipeline.run import run_batch  # lazily, as the watcher above

    ws = init_workspace(tmp_path_factory.mktemp("samples") / "ws")
    config = ws.root / "pipeline.toml"
    text = config.read_text(encoding="utf-8").replace('mode = "warm"', 'mode = "oneshot"')
    config.write_text(text.replace("workers = 2", "workers = 1"), encoding="utf-8")
    ws = load_workspace(ws.root)
    for sample in sorted(EXAMPLES.glob("*.docx")) + sorted(EXAMPLES.glob("*.xlsx")):
        shutil.copy(sample, ws.inbox / sample.name)
    result = run_batch(ws)
    assert len(result.accepted) >= 4, result
    return ws.outbox


@pytest.fixture
def workspace(make_workspace: WorkspaceFactory) -> Workspace:
    """A fresh workspace converting with one-shot LibreOffice (nothing left running)."""
    return make_workspace()


def _built_policy(title: str) -> bytes:
    """A minimal valid policy form, for when the samples are not there."""
    document = docx.Document()
    document.add_heading(title, level=0)
    rows = [
        ("Policy title", title),
        ("Version", "1"),
        ("Change type", "New policy"),
        ("Strategic owner", "Sally Slade, Head of Adult Social Care"),
        ("Business owner", "Sarah Mackereth, Principal Social Worker"),
        ("Author", "James Martin, Senior Policy Officer"),
        ("Next review date", "October 2027"),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    for heading in (
        "Who this policy applies to",
        "Why we have this policy",
        "What the policy will achieve",
        "The Policy",
    ):
        document.add_heading(heading, level=1)
        document.add_paragraph(f"{heading}: the text of this section for {title}.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _sample_policy(title: str) -> bytes:
    """The sample policy with its title (the Title paragraph) replaced."""
    document = docx.Document(str(SAMPLE_POLICY))
    for paragraph in document.paragraphs:
        if paragraph.style is not None and paragraph.style.name == "Title":
            runs = paragraph.runs
            runs[0].text = title
            for run in runs[1:]:
                run.text = ""
            break
    else:
        raise AssertionError(f"{SAMPLE_POLICY} has no Title paragraph any more")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def policy_form() -> Callable[[str], bytes]:
    """``policy_form(title) -> bytes`` of a valid policy form the pipeline accepts."""
    return _sample_policy if SAMPLE_POLICY.exists() else _built_policy


def bad_form(i: int) -> bytes:
    """Bytes the safety gate rejects at once (not a zip): an outcome without LibreOffice."""
    return f"this is not a Word document, number {i}\n".encode()


@pytest.fixture(scope="session")
def invalid_form() -> Callable[[int], bytes]:
    return bad_form


@pytest.fixture
def start_watcher(no_thread_leaks: None) -> Iterator[Callable[..., Watcher]]:
    """Start in-process watchers; stop them after the test (before the thread-leak check)."""
    from pipeline.watch.watcher import Watcher  # lazily: see the TYPE_CHECKING import above

    started: list[Watcher] = []

    def start(ws: Workspace, poll_seconds: float | None = None) -> Watcher:
        watcher = Watcher(ws, poll_seconds=poll_seconds)
        watcher.start()
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:
        watcher.stop()
    for watcher in started:
        assert watcher.join(120), "the watcher did not stop"


@pytest.fixture
def smtp_server(no_thread_leaks: None) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 at a free port, running; stopped after the test
    (before the thread-leak check)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_workspace(make_workspace: WorkspaceFactory, smtp_server: SmtpServer) -> Workspace:
    """A workspace whose ``[mail]`` points at ``smtp_server``, its manager
    manager@council.example, with people.csv naming the sample forms' business owner."""
    ws = make_workspace()
    config = ws.root / "pipeline.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + smtp_server.mail_settings(manager="manager@council.example"),
        encoding="utf-8",
    )
    (ws.root / "people.csv").write_text(
        "name,email,role\n"
        "Sarah Mackereth,sarah.mackereth@council.example,Principal Social Worker\n"
        "Nobody Useful,not an address,Officer\n",
        encoding="utf-8",
    )
    return load_workspace(ws.root)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many hostile values were tried (tests/helpers/hostile.py), even under -q."""
    # looked up, not imported: only a run that used the hostile values has a tally to show
    module = sys.modules.get("tests.helpers.hostile")
    if module is None or not module.TALLY["tried"]:
        return
    tally = module.TALLY
    terminalreporter.write_line(
        f"hostile values: {tally['tried']} cases tried, {tally['failed']} failed, "
        f"{tally['known']} known failures (xfail) (hypothesis profile {module.PROFILE!r})"
    )
