"""Reading officers' Word and Excel forms into the neutral :class:`FormRecord`.

:func:`read_form` is the one entry point: the safety gate has already said whether the
file is "docx" or "xlsx"; this says which of the framework's forms it is and reads it.
A file the parsers choke on is a :class:`RejectedFile` ("damaged file"), and a readable
file that is none of our forms is "not one of our forms: <what it looks like>". Nothing
else escapes: one odd file must never stop a batch.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pipeline.errors import RejectedFile
from pipeline.forms.clean import clean_record
from pipeline.forms.common import damaged
from pipeline.forms.docx_reader import read_docx
from pipeline.forms.xlsx_reader import read_xlsx
from pipeline.framework import Framework
from pipeline.records import FormRecord
from pipeline.safety.check import CheckedFile
from pipeline.safety.reasons import TOO_LARGE

log = logging.getLogger(__name__)

Kind = Literal["docx", "xlsx"]


def read_form(path: Path, framework: Framework, kind: Kind | CheckedFile) -> FormRecord:
    """Read one dropped file as whichever of the framework's forms it is.

    ``kind`` is the gate's verdict on ``path``: :func:`~pipeline.safety.check.checked_file`'s
    :class:`CheckedFile` has the Word document read from the very bytes the gate checked,
    without opening the file again; a bare "docx"/"xlsx" reads the file as it is now.
    Raises :class:`RejectedFile` for a damaged file or one that is none of our forms.
    """
    parts = None
    if isinstance(kind, CheckedFile):
        if Path(kind.path) != Path(path) or kind.kind not in ("docx", "xlsx"):
            raise ValueError(f"the gate's verdict is on {kind.path} as {kind.kind}, not {path}")
        kind, parts = ("docx", kind.parts) if kind.kind == "docx" else ("xlsx", None)
    try:
        if kind == "docx":
            record = read_docx(Path(path), framework, parts)
        else:
            record = read_xlsx(Path(path), framework)
    except RejectedFile:
        raise
    except MemoryError:
        raise RejectedFile(
            TOO_LARGE, "it is too big to read; split it or remove pictures"
        ) from None
    except Exception as exc:  # noqa: BLE001 - untrusted files break parsers in endless ways
        # python-docx, openpyxl, lxml and zipfile raise anything from KeyError to
        # XMLSyntaxError on a malformed package. The traceback goes to the log so a
        # reader bug can still be told apart from a damaged file.
        log.info("could not read %s as %s", path, kind, exc_info=True)
        raise damaged() from exc
    form = framework.forms.get(record.form_type)
    if form is not None:
        clean_record(record, form)
    return record
