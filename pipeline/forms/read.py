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
from pipeline.safety.reasons import TOO_LARGE

log = logging.getLogger(__name__)

Kind = Literal["docx", "xlsx"]


def read_form(path: Path, framework: Framework, kind: Kind) -> FormRecord:
    """Read one dropped file as whichever of the framework's forms it is.

    Raises :class:`RejectedFile` for a damaged file or one that is none of our forms.
    """
    reader = read_docx if kind == "docx" else read_xlsx
    try:
        record = reader(Path(path), framework)
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
