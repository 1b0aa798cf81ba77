"""Publish stage: .docx in, accessible PDF out, via LibreOffice.

Two ways to drive LibreOffice, same results:

* ``oneshot``: one ``soffice --convert-to`` process per batch. Simple, nothing left running,
  but pays LibreOffice's start-up (about 2 s) on every batch.
* ``warm``: a pool of ``uno_worker.py`` processes, each owning one soffice that stays up and
  converts over UNO. Worth it when documents arrive one by one (watch mode). The pool
  supervises: a per-document timeout kills and restarts a hung office, a dead office is
  restarted and the document retried once, and each office is recycled after
  ``recycle_after`` documents because LibreOffice's memory only grows.

Either way the PDF is then finished by :mod:`pipeline.pdf.finish` (metadata, DRAFT stamp) and moved
into place atomically. A bad document never raises: it comes back as a
:class:`~pipeline.convert.base.ConversionResult` with ``ok=False`` and an error written for the officer.

Every LibreOffice gets its own user profile under ``state_dir`` (LibreOffice refuses to share
one between running instances), claimed with a lock file so two pipelines on one machine do
not collide, and runs in its own process group so it can be killed with everything it forked.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.convert.base import Converter, find_soffice, find_uno_python
from pipeline.convert.oneshot import OneShotConverter
from pipeline.convert.settings import ConverterSettings
from pipeline.convert.warm import WarmConverter
from pipeline.errors import ConversionError

__all__ = ["make_converter"]

log = logging.getLogger(__name__)


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
