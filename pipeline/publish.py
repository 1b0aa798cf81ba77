"""Publish stage: .docx in, accessible PDF out, via LibreOffice.

Two ways to drive LibreOffice, same results:

* ``oneshot``: one ``soffice --convert-to`` process per batch. Simple, nothing left running,
  but pays LibreOffice's start-up (about 2 s) on every batch.
* ``warm``: a pool of ``uno_worker.py`` processes, each owning one soffice that stays up and
  converts over UNO. Worth it when documents arrive one by one (watch mode). The pool
  supervises: a per-document timeout kills and restarts a hung office, a dead office is
  restarted and the document retried once, and each office is recycled after
  ``recycle_after`` documents because LibreOffice's memory only grows.

Either way the PDF is then finished by :mod:`pipeline.pdf` (metadata, DRAFT stamp) and moved
into place atomically. A bad document never raises: it comes back as a
:class:`ConversionResult` with ``ok=False`` and an error written for the officer.

Every LibreOffice gets its own user profile under ``state_dir`` (LibreOffice refuses to share
one between running instances), claimed with a lock file so two pipelines on one machine do
not collide, and runs in its own process group so it can be killed with everything it forked.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import json
import logging
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import IO, Any, Literal, Protocol

from pipeline.errors import ConversionError
from pipeline.pdf import PdfMetadata as PdfMetadata  # re-exported: part of this interface
from pipeline.pdf import PdfReport as PdfReport
from pipeline.pdf import finalize_pdf
from pipeline.pdf import inspect_pdf as inspect_pdf

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "Install it with `make demo`, or on Debian/Ubuntu `sudo apt-get install "
    "libreoffice-writer-nogui python3-uno`."
)
_COMMON_SOFFICE = ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
_UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", "python3")


@dataclass(frozen=True)
class ConverterSettings:
    """How to run LibreOffice; the defaults suit a 2-core council laptop."""

    mode: Literal["warm", "oneshot"] = "warm"
    workers: int = 2  # warm pool size; each LibreOffice with its own user profile dir
    timeout: float = 120.0  # seconds per document
    soffice: str = "soffice"
    recycle_after: int = 200  # restart a warm LibreOffice after this many conversions
    pdfa: bool = False  # also PDF/A-2b (archive copy)


@dataclass(frozen=True)
class ConversionJob:
    docx: Path
    pdf: Path
    metadata: PdfMetadata
    draft: bool = False  # stamp "DRAFT" on every page


@dataclass(frozen=True)
class ConversionResult:
    job: ConversionJob
    ok: bool
    error: str | None = None  # written for people


class Converter(Protocol):
    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        """Convert every job; a bad document gives ``ok=False``, never an exception."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Converter: ...

    def __exit__(self, *exc_info: object) -> None: ...


def export_filter_data(pdfa: bool) -> dict[str, bool | int]:
    """writer_pdf_Export options. LibreOffice ignores names it does not know, so only the
    resulting PDF proves these work (see tests/test_publish.py)."""
    data: dict[str, bool | int] = {
        "UseTaggedPDF": True,  # structure tree for screen readers
        "PDFUACompliance": True,  # PDF/UA: alt text, headings, table headers
        "ExportBookmarks": True,  # headings become the outline
        "ExportNotes": False,  # reviewers' comments are not for the public
        "DisplayPDFDocumentTitle": True,  # title, not file name, in the viewer's title bar
        "UseLosslessCompression": False,
        "Quality": 90,  # JPEG quality for photos
        "ReduceImageResolution": True,
        "MaxImageResolution": 300,  # print quality; keeps scanned-in images small
    }
    if pdfa:
        data["SelectPdfVersion"] = 2  # PDF/A-2b
    return data


def find_soffice(name: str) -> str:
    """The full path of LibreOffice's ``soffice``, or a ConversionError saying how to get it."""
    found = shutil.which(name)
    if found:
        return found
    if name == "soffice":
        for path in _COMMON_SOFFICE:
            if os.access(path, os.X_OK):
                return path
    raise ConversionError(f"LibreOffice ({name!r}) is not installed or not on PATH. {INSTALL_HINT}")


@functools.cache
def find_uno_python() -> str | None:
    """A Python that can ``import uno`` (the venv's usually cannot), or None.

    ``PIPELINE_UNO_PYTHON`` wins; then Debian's system python3 (python3-uno), then the
    Python bundled with LibreOffice's own packages, then whatever ``python3`` is on PATH.
    """
    env = os.environ.get("PIPELINE_UNO_PYTHON")
    for candidate in ([env] if env else []) + list(_UNO_PYTHONS):
        path = shutil.which(candidate)
        with suppress(OSError, subprocess.TimeoutExpired):
            if (
                path
                and subprocess.run(
                    [path, "-c", "import uno"], capture_output=True, timeout=30
                ).returncode
                == 0
            ):
                return path
    return None


# --- shared helpers --------------------------------------------------------------------------

_LIVE_GROUPS: set[int] = set()


def kill_group(pgid: int) -> None:
    """SIGKILL a process group (soffice forks soffice.bin; killing the launcher is not enough)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    _LIVE_GROUPS.discard(pgid)


@atexit.register
def _kill_leftovers() -> None:
    """Last line of defence if a converter was never closed: no orphaned soffice."""
    for pgid in list(_LIVE_GROUPS):
        kill_group(pgid)


@contextmanager
def claim_profile(state_dir: Path, kind: str) -> Iterator[Path]:
    """Lock and yield a LibreOffice profile dir ``state_dir/libreoffice/<kind>-<n>``.

    Profiles are reused across runs (a fresh one costs seconds to create); the lock stops two
    pipelines on one machine from starting two soffice on the same profile, which makes the
    second silently hand its work to the first.
    """
    base = state_dir / "libreoffice"
    base.mkdir(parents=True, exist_ok=True)
    for n in range(64):
        fh: IO[bytes] = open(base / f"{kind}-{n}.lock", "ab")  # noqa: SIM115
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            continue
        try:
            profile = base / f"{kind}-{n}"
            profile.mkdir(exist_ok=True)
            # a soffice killed earlier leaves its lock; we hold the real lock, so it is stale
            (profile / ".lock").unlink(missing_ok=True)
            yield profile
        finally:
            fh.close()
        return
    raise ConversionError(f"Too many LibreOffice profiles in use under {base}.")


def check_docx(path: Path) -> str | None:
    """Why ``path`` cannot be a .docx, in words for the officer, or None if it looks fine.

    Checked before LibreOffice sees it: LibreOffice happily imports random bytes as plain
    text, and an encrypted .docx is not a zip at all.
    """
    name = path.name
    if not path.is_file():
        return f"{name} was not found at {path}."
    try:
        with zipfile.ZipFile(path) as zf:
            if "word/document.xml" not in zf.namelist():
                return f"{name} is not a Word document (.docx). Save it from Word as .docx and try again."
    except (zipfile.BadZipFile, OSError):
        return (
            f"{name} could not be opened as a Word document: it may be damaged, "
            "password-protected or only partly copied. Open it in Word, save it again as "
            ".docx and try again."
        )
    return None


def pdf_complete(path: Path) -> bool:
    """A PDF LibreOffice finished writing ends with %%EOF; a killed one does not."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, path.stat().st_size - 1024))
            return b"%%EOF" in fh.read()
    except OSError:
        return False


def finish(job: ConversionJob, produced: Path) -> ConversionResult:
    """Post-process LibreOffice's PDF and move it to ``job.pdf`` atomically."""
    try:
        finalize_pdf(produced, job.metadata, draft=job.draft)
        job.pdf.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{job.pdf.name}.", suffix=".tmp", dir=job.pdf.parent)
        try:  # produced may be on another filesystem (state_dir), so copy then rename
            with os.fdopen(fd, "wb") as out, open(produced, "rb") as src:
                shutil.copyfileobj(src, out)
            os.replace(tmp, job.pdf)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        return ConversionResult(job, False, f"Could not write {job.pdf}: {exc.strerror or exc}.")
    except Exception as exc:  # pypdf's errors are many; any of them means a broken PDF
        log.exception("finishing %s failed", produced)
        return ConversionResult(
            job,
            False,
            f"LibreOffice made a PDF of {job.docx.name} that could not be finished: {exc}.",
        )
    finally:
        produced.unlink(missing_ok=True)
    return ConversionResult(job, True)


def timeout_error(job: ConversionJob, timeout: float) -> str:
    return (
        f"LibreOffice took longer than {timeout:.0f} seconds converting {job.docx.name} and was "
        "stopped. The document may be very large or damaged; try opening it in Word."
    )


def failed_error(job: ConversionJob) -> str:
    return (
        f"LibreOffice could not convert {job.docx.name}. Open it in Word to check it is not "
        "damaged, save it again and try again."
    )


class _ConverterBase:
    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""

    def __enter__(self) -> _ConverterBase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- one-shot -------------------------------------------------------------------------------


class OneShotConverter(_ConverterBase):
    """One ``soffice --convert-to`` run per batch; nothing stays running between batches."""

    def __init__(self, settings: ConverterSettings, state_dir: Path) -> None:
        self.settings = settings
        self.state_dir = state_dir.resolve()
        self.soffice = find_soffice(settings.soffice)

    def _filter(self) -> str:
        """The --convert-to argument in the JSON options syntax (LibreOffice 7.4 and later)."""
        options = {
            key: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()}
            for key, v in export_filter_data(self.settings.pdfa).items()
        }
        return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))

    def _run(self, profile: Path, inputs: list[Path], outdir: Path, timeout: float) -> bool:
        """Run soffice over ``inputs``; False if it had to be killed for taking too long."""
        cmd = [self.soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        cmd += ["--norestore", "--nolockcheck", "--infilter=MS Word 2007 XML"]  # no text fallback
        cmd += ["--convert-to", self._filter(), "--outdir", str(outdir), *map(str, inputs)]
        proc = subprocess.Popen(
            cmd, stdin=DEVNULL, stdout=PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        _LIVE_GROUPS.add(proc.pid)
        try:
            out, _ = proc.communicate(timeout=timeout)
            log.debug("soffice: %s", out.decode(errors="replace"))
            return True
        except subprocess.TimeoutExpired:
            return False
        finally:
            kill_group(proc.pid)  # also reaps anything soffice left behind
            proc.wait()

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        results: dict[int, ConversionResult] = {}
        pending: list[int] = []
        for i, job in enumerate(jobs):
            problem = check_docx(job.docx)
            if problem:
                results[i] = ConversionResult(job, False, problem)
            else:
                pending.append(i)
        if pending:
            with (
                claim_profile(self.state_dir, "oneshot") as profile,
                tempfile.TemporaryDirectory(dir=self.state_dir, prefix="convert-") as tmp,
            ):
                results.update(self._convert_pending(jobs, pending, profile, Path(tmp)))
        return [results[i] for i in range(len(jobs))]

    def _convert_pending(
        self, jobs: Sequence[ConversionJob], pending: list[int], profile: Path, tmp: Path
    ) -> dict[int, ConversionResult]:
        """Convert in as few soffice runs as possible; a hung document costs one run, not all."""
        results: dict[int, ConversionResult] = {}
        outdir = tmp / "out"
        inputs = {}
        for i in pending:
            # numbered copies: two jobs may share a file name, and soffice names outputs by stem
            inputs[i] = tmp / f"{i:05d}.docx"
            shutil.copyfile(jobs[i].docx, inputs[i])
        while pending:
            batch_timeout = self.settings.timeout * len(pending) + 30  # + start-up
            finished = self._run(profile, [inputs[i] for i in pending], outdir, batch_timeout)
            done = [i for i in pending if pdf_complete(outdir / f"{i:05d}.pdf")]
            for i in done:
                results[i] = finish(jobs[i], outdir / f"{i:05d}.pdf")
            rest = [i for i in pending if i not in done]
            if finished:
                for i in rest:
                    results[i] = ConversionResult(jobs[i], False, failed_error(jobs[i]))
                rest = []
            elif rest:  # soffice goes in order: the first unfinished one hung
                results[rest[0]] = ConversionResult(
                    jobs[rest[0]], False, timeout_error(jobs[rest[0]], self.settings.timeout)
                )
                rest = rest[1:]
            pending = rest
        return results


# --- warm pool ------------------------------------------------------------------------------

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
        _LIVE_GROUPS.add(self.proc.pid)
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


class WarmConverter(_ConverterBase):
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

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        results: list[ConversionResult | None] = [None] * len(jobs)
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in range(len(jobs)):
            todo.put(i)

        def drain(worker: _Worker) -> None:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[i] = self._convert_one(worker, jobs[i])
                except Exception as exc:  # a bug must not cost the rest of the batch
                    log.exception("converting %s", jobs[i].docx)
                    results[i] = ConversionResult(
                        jobs[i], False, f"{failed_error(jobs[i])} ({exc})"
                    )

        with self._lock:
            self._each_worker(drain)
        return [r for r in results if r is not None]

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


def make_converter(settings: ConverterSettings, state_dir: Path) -> Converter:
    """The converter ``settings`` ask for; warm falls back to one-shot if UNO is unavailable."""
    state_dir = state_dir.resolve()  # soffice and UNO need absolute file URLs
    state_dir.mkdir(parents=True, exist_ok=True)
    if settings.mode == "oneshot":
        return OneShotConverter(settings, state_dir)
    soffice = find_soffice(settings.soffice)
    python = find_uno_python()
    if python is None:
        log.warning(
            "No Python with LibreOffice's UNO bridge found (install python3-uno); "
            "converting with one soffice run per batch instead, which is slower."
        )
        return OneShotConverter(settings, state_dir)
    try:
        return WarmConverter(settings, state_dir, soffice=soffice, python=python)
    except ConversionError as exc:
        log.warning("Warm LibreOffice could not start (%s); using one-shot conversion.", exc)
        return OneShotConverter(settings, state_dir)
