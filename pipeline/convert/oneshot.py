"""One ``soffice --convert-to`` process per batch: simple, nothing left running.

It pays LibreOffice's start-up (about 2 s) on every batch and converts one document at a
time, so it is the fallback when the warm pool cannot run (no python3-uno).
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from subprocess import DEVNULL, PIPE

from pipeline.convert.base import (
    LIVE_GROUPS,
    ConversionJob,
    ConversionResult,
    ConverterBase,
    check_docx,
    claim_profile,
    export_filter_data,
    failed_error,
    find_soffice,
    finish,
    kill_group,
    pdf_complete,
    timeout_error,
)
from pipeline.convert.settings import ConverterSettings
from pipeline.errors import ConverterUnavailable

log = logging.getLogger(__name__)


def pdf_export_argument(pdfa: bool) -> str:
    """The --convert-to argument in the JSON options syntax (LibreOffice 7.4 and later)."""
    options = {
        key: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()}
        for key, v in export_filter_data(pdfa).items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))


class OneShotConverter(ConverterBase):
    """One ``soffice --convert-to`` run per batch; nothing stays running between batches."""

    def __init__(self, settings: ConverterSettings, state_dir: Path) -> None:
        self.settings = settings
        self.state_dir = state_dir.resolve()
        self.soffice = find_soffice(settings.soffice)

    def _run(self, profile: Path, inputs: list[Path], outdir: Path, timeout: float) -> bool:
        """Run soffice over ``inputs``; False if it had to be killed for taking too long.

        Raises ConverterUnavailable when soffice fails and makes nothing: it exits 0 even when
        it cannot load a document, so a failure status means LibreOffice itself did not
        start, which is no reason to reject the officers' forms.
        """
        cmd = [self.soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        cmd += ["--norestore", "--nolockcheck", "--infilter=MS Word 2007 XML"]  # no text fallback
        cmd += [
            "--convert-to",
            pdf_export_argument(self.settings.pdfa),
            "--outdir",
            str(outdir),
            *map(str, inputs),
        ]
        proc = subprocess.Popen(
            cmd, stdin=DEVNULL, stdout=PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        LIVE_GROUPS.add(proc.pid)
        try:
            out, _ = proc.communicate(timeout=timeout)
            log.debug("soffice: %s", out.decode(errors="replace"))
        except subprocess.TimeoutExpired:
            return False
        finally:
            kill_group(proc.pid)  # also reaps anything soffice left behind
            proc.wait()
        if proc.returncode != 0 and not any(outdir.glob("*.pdf")):
            said = " ".join(out.decode(errors="replace").split())[:200]
            raise ConverterUnavailable(
                f"LibreOffice ({self.soffice}) did not start: it stopped with status "
                f"{proc.returncode}{f' ({said})' if said else ''}. Check it runs "
                "(`soffice --headless --version`) and reinstall it if not. The forms are "
                "safe in the inbox: run again once it is fixed."
            )
        return True

    def convert(self, jobs: Iterable[ConversionJob]) -> list[ConversionResult]:
        """Convert ``jobs`` in as few soffice runs as possible (all of them are made first)."""
        jobs = list(jobs)
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
