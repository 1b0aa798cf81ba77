"""What every converter shares: the settings, a job and its result, and the helpers that
keep LibreOffice honest (profiles, process groups, checks on what goes in and comes out).

The two converters live in :mod:`pipeline.convert.oneshot` and :mod:`pipeline.convert.warm`;
:func:`pipeline.convert.factory.make_converter` chooses between them.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import logging
import os
import shutil
import signal
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from pipeline.errors import ConversionError, ConverterUnavailable, Fault
from pipeline.faults import explain
from pipeline.pdf.finish import PdfMetadata, finalize_pdf

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "Install it with `make demo`, or on Debian/Ubuntu `sudo apt-get install "
    "libreoffice-writer-nogui python3-uno`."
)
_COMMON_SOFFICE = ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
_UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", "python3")


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
    fault: Fault | None = None  # the machine's fault (a full disk), not the document's


class Converter(Protocol):
    def convert(self, jobs: Iterable[ConversionJob]) -> list[ConversionResult]:
        """Convert every job, results in the jobs' order; a bad document gives ``ok=False``,
        never an exception. ``jobs`` may be a generator: a converter may start on the first
        job before the next one is made."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Converter: ...

    def __exit__(self, *exc_info: object) -> None: ...


def export_filter_data(pdfa: bool) -> dict[str, bool | int]:
    """writer_pdf_Export options. LibreOffice ignores names it does not know, so only the
    resulting PDF proves these work (see tests/convert/test_converters.py)."""
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
    raise ConverterUnavailable(
        f"LibreOffice ({name!r}) is not installed or not on PATH. {INSTALL_HINT} "
        "The forms are safe in the inbox: run again once it is installed."
    )


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

LIVE_GROUPS: set[int] = set()


def kill_group(pgid: int) -> None:
    """SIGKILL a process group (soffice forks soffice.bin; killing the launcher is not enough)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    LIVE_GROUPS.discard(pgid)


@atexit.register
def _kill_leftovers() -> None:
    """Last line of defence if a converter was never closed: no orphaned soffice."""
    for pgid in list(LIVE_GROUPS):
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
    """Finish LibreOffice's PDF into ``job.pdf``, atomically and durably.

    LibreOffice writes ``produced`` in a scratch folder (perhaps on another file system);
    the finished file is written once, beside ``job.pdf``, fsynced and renamed over it by
    :func:`pipeline.atomic.replace_with`, so it is on disk before the journal names it.
    """
    try:
        finalize_pdf(produced, job.metadata, draft=job.draft, dest=job.pdf)
    except OSError as exc:
        return ConversionResult(
            job,
            False,
            f"Could not write {job.pdf}: {exc.strerror or exc}.",
            fault=explain(exc),
        )
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


class ConverterBase:
    def convert(self, jobs: Iterable[ConversionJob]) -> list[ConversionResult]:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""

    def __enter__(self) -> ConverterBase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
