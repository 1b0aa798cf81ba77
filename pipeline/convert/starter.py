"""LibreOffice started once, in the background, as soon as a batch knows it will need it.

A batch reads and validates every form before it renders any; starting the converter when
the first valid form is read lets its start-up (about 2.5 s for the warm pool) overlap the
rest of that work instead of adding to it. A batch with nothing to convert never starts
LibreOffice at all. A converter handed in from outside (a test's, a benchmark's) is used
as it is and never closed here: its owner closes it.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future
from pathlib import Path

from pipeline.convert.base import Converter
from pipeline.convert.factory import make_converter
from pipeline.convert.settings import ConverterSettings


class ConverterStarter:
    """Owns the batch's converter: ``warm_up()`` early, ``get()`` when needed, ``close()``."""

    def __init__(
        self, settings: ConverterSettings, state: Path, converter: Converter | None = None
    ) -> None:
        self._settings = settings
        self._state = state
        self._converter = converter
        self._own = converter is None
        self._starting: Future[Converter] | None = None

    def warm_up(self) -> None:
        """Start the converter on a background thread, once; ``get`` waits for it."""
        if self.started:
            return
        starting: Future[Converter] = Future()

        def start() -> None:
            try:
                starting.set_result(make_converter(self._settings, self._state))
            except BaseException as exc:  # handed to whoever asks for the converter
                starting.set_exception(exc)

        self._starting = starting
        threading.Thread(target=start, name="converter-start", daemon=True).start()

    @property
    def started(self) -> bool:
        """Whether a converter was asked for (made, starting, or handed in)."""
        return self._converter is not None or self._starting is not None

    def get(self) -> Converter:
        """The converter, started now if ``warm_up`` was not called; raises what start raised."""
        if self._starting is not None:
            starting, self._starting = self._starting, None
            self._converter = starting.result()
        if self._converter is None:
            self._converter = make_converter(self._settings, self._state)
        return self._converter

    def close(self) -> None:
        """Close a converter this starter made (waiting for one still starting)."""
        if self._starting is not None:
            with contextlib.suppress(Exception):
                self.get()
        if self._converter is not None and self._own:
            self._converter.close()
