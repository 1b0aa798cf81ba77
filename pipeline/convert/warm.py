"""The warm pool: LibreOffices that stay up and convert over UNO, supervised.

Each ``uno_worker.py`` process owns one soffice with its own profile. A per-document
timeout kills and restarts a hung office, a dead office is restarted and the document
retried once, and each office is recycled after ``recycle_after`` documents because
LibreOffice's memory only grows. Jobs may arrive while earlier ones convert (``convert``
takes an iterable), so rendering the next document overlaps converting this one.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from subprocess import PIPE
from typing import Any

from pipeline.convert.base import (
    LIVE_GROUPS,
    ConversionJob,
    ConversionResult,
    ConverterBase,
    check_docx,
    claim_profile,
    export_filter_data,
    failed_error,
    finish,
    kill_group,
    pdf_complete,
    timeout_error,
)
from pipeline.convert.settings import ConverterSettings
from pipeline.errors import ConversionError

log = logging.getLogger(__name__)

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")


class _Worker:
    """One ``uno_worker.py`` process and the soffice it owns, spoken to in JSON lines."""

    def __init__(self, python: str, soffice: str, profile: Path, startup_timeout: float) -> None:
        self.cmd = [python, str(WORKER_SCRIPT), "--soffice", soffice]
        self.cmd += ["--profile-url", profile.as_uri(), "--startup-timeout", str(startup_timeout)]
        self.log_path = profile.with_suffix(".log")
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.buf = b""
        self.count = 0  # conversions since start, for recycling
        self.soffice_pid: int | None = None

    def start(self) -> None:
        self.stop()
        with open(self.log_path, "ab") as log_file:
            self.proc = subprocess.Popen(  # its own process group, soffice included
                self.cmd, stdin=PIPE, stdout=PIPE, stderr=log_file, start_new_session=True
            )
        LIVE_GROUPS.add(self.proc.pid)
        self.buf, self.count = b"", 0
        try:
            ready = self._read(self.startup_timeout + 10)
        except EOFError:
            ready = None
        if not ready or not ready.get("ready"):
            self.kill()
            why = ready.get("error") if ready else "no answer"
            raise ConversionError(f"LibreOffice did not start ({why}); details in {self.log_path}.")
        self.soffice_pid = int(ready["soffice_pid"])

    def _read(self, timeout: float) -> dict[str, Any] | None:
        """The next reply, None after ``timeout`` seconds; EOFError if the worker is gone."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise EOFError
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def request(self, payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(payload).encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise EOFError from None
        return self._read(timeout)

    def kill(self) -> None:
        """Kill worker and soffice together. The group is killed before the worker is reaped,
        so its pid (the group id) cannot have been reused by then."""
        if self.proc is None:
            return
        kill_group(self.proc.pid)
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        self.proc = None

    def stop(self) -> None:
        """Ask soffice to quit (it tidies its profile), then make sure of it."""
        if self.proc is None:
            return
        try:
            self.request({"quit": True}, 0)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                self._read(deadline - time.monotonic())
        except (EOFError, ValueError):
            pass  # EOF: the worker has exited
        self.kill()


class WarmConverter(ConverterBase):
    """A pool of warm LibreOffices; jobs are shared out across them by one thread each."""

    def __init__(
        self, settings: ConverterSettings, state_dir: Path, *, soffice: str, python: str
    ) -> None:
        state_dir = state_dir.resolve()
        self.settings = settings
        self.filter_data = export_filter_data(settings.pdfa)
        self._stack = ExitStack()
        self._lock = threading.Lock()
        self.tmp = Path(tempfile.mkdtemp(dir=state_dir, prefix="warm-out-"))
        self._stack.callback(shutil.rmtree, self.tmp, True)
        self.workers: list[_Worker] = []
        errors: list[ConversionError] = []

        def start(worker: _Worker) -> None:
            try:
                worker.start()
            except ConversionError as exc:
                errors.append(exc)

        try:
            for _ in range(max(1, settings.workers)):
                profile = self._stack.enter_context(claim_profile(state_dir, "warm"))
                self.workers.append(_Worker(python, soffice, profile, startup_timeout=90))
            self._each_worker(start)  # in parallel: each start-up takes a second or two
            if errors:
                raise errors[0]
        except BaseException:
            self.close()
            raise

    def _each_worker(self, action: Callable[[_Worker], None]) -> None:
        threads = [threading.Thread(target=action, args=(w,)) for w in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def convert(self, jobs: Iterable[ConversionJob]) -> list[ConversionResult]:
        """Convert ``jobs`` in the order given, each as soon as a worker is free.

        ``jobs`` is consumed on the calling thread while the workers convert, so a generator
        that renders each document as it is asked for overlaps rendering with conversion.
        """
        results: dict[int, ConversionResult] = {}
        todo: queue.Queue[tuple[int, ConversionJob] | None] = queue.Queue(len(self.workers))

        def drain(worker: _Worker) -> None:
            while (item := todo.get()) is not None:
                i, job = item
                try:
                    results[i] = self._convert_one(worker, job)
                except Exception as exc:  # a bug must not cost the rest of the batch
                    log.exception("converting %s", job.docx)
                    results[i] = ConversionResult(job, False, f"{failed_error(job)} ({exc})")

        with self._lock:
            threads = [threading.Thread(target=drain, args=(w,)) for w in self.workers]
            for thread in threads:
                thread.start()
            try:
                count = 0
                for count, job in enumerate(jobs, start=1):
                    todo.put((count - 1, job))
            finally:  # also when making the next job failed: the workers finish and stop
                for _ in threads:
                    todo.put(None)
                for thread in threads:
                    thread.join()
        return [results[i] for i in range(count)]

    def _convert_one(self, worker: _Worker, job: ConversionJob) -> ConversionResult:
        problem = check_docx(job.docx)
        if problem:
            return ConversionResult(job, False, problem)
        out = self.tmp / f"{uuid.uuid4().hex}.pdf"
        payload: dict[str, Any] = {"id": out.stem, "docx": str(job.docx.resolve())}
        payload.update(pdf=str(out), filter_data=self.filter_data)
        for _attempt in range(2):  # a crashed office gets one retry on a fresh one
            try:
                if worker.proc is None or worker.count >= self.settings.recycle_after:
                    worker.start()
                reply = worker.request(payload, self.settings.timeout)
            except ConversionError as exc:
                return ConversionResult(job, False, str(exc))
            except EOFError:
                log.warning("LibreOffice worker died converting %s; restarting it", job.docx)
                worker.kill()
                continue
            if reply is None:
                log.warning("LibreOffice hung converting %s; killed it", job.docx)
                worker.kill()
                out.unlink(missing_ok=True)
                return ConversionResult(job, False, timeout_error(job, self.settings.timeout))
            worker.count += 1
            if reply.get("ok") and pdf_complete(out):
                return finish(job, out)
            out.unlink(missing_ok=True)
            if not reply.get("fatal"):
                log.info("LibreOffice could not convert %s: %s", job.docx, reply.get("error"))
                return ConversionResult(job, False, failed_error(job))
            log.warning("LibreOffice died converting %s; restarting it", job.docx)
            worker.kill()
        return ConversionResult(
            job,
            False,
            f"LibreOffice stopped unexpectedly while converting {job.docx.name}, twice. "
            "The document may be damaged; open it in Word, save it again and try again.",
        )

    def close(self) -> None:
        """Stop every soffice (in parallel: each takes a moment to quit) and free profiles."""
        self._each_worker(_Worker.stop)
        self._stack.close()
