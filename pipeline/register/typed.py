"""What managers typed into the Register sheet's sign-off cells, read back from register.xlsx.

Managers sign policies off in the register (docs/managers.md): a policy held as a DRAFT
because its form left out the change type or the sign-off level can be given them there.
This module only reads: each policy row's "Change type" and "Sign-off level" text, and who
last saved the file and when (``docProps/core.xml``). What is taken, and what the register
then shows, is :mod:`pipeline.publish.signoff`'s to decide.

It refuses to read a file whose bytes are the ones the pipeline last wrote (their SHA-256 is
in the journal, :meth:`pipeline.journal.sync.RegisterBookkeeping.register_shown`): nobody
can have typed anything, and a 5,000-policy sheet is not parsed for nothing. It reads the
sheet XML itself with the one hardened parser (no openpyxl load, no formulas evaluated), and
a file it cannot read is an :class:`UnreadableRegister` saying so in a sentence, never a crash.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree
from openpyxl.utils import get_column_letter

from pipeline.errors import PipelineError
from pipeline.register.cells import COLUMNS, SHEET, TYPED_IN, header_key, ref_key
from pipeline.register.xml.package import Package, Unsupported
from pipeline.register.xml.patch import Sheet, cell_value, shared_strings

_CORE = "docProps/core.xml"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DCTERMS = "{http://purl.org/dc/terms/}"


class UnreadableRegister(PipelineError):
    """register.xlsx could not be read for what managers typed; the batch goes on."""


@dataclass(frozen=True)
class Typed:
    """The sign-off cells of every policy row: ``cells[ref_key][column key]`` is the text
    typed ("" when empty); ``who`` and ``saved`` are the file's last save, if it says."""

    cells: dict[str, dict[str, str]] = field(default_factory=dict)
    who: str = ""
    saved: datetime | None = None
    file: str = "register.xlsx"  # the register's name, as notes and events say it

    def by(self) -> str:
        """ " (saved by Jo Adams on 29/11/2026 14:02)", as much of it as the file says."""
        parts = [f"by {self.who}"] if self.who else []
        if self.saved is not None:
            parts.append(f"on {self.saved:%d/%m/%Y %H:%M}")
        return f" (saved {' '.join(parts)})" if parts else ""


def edited(path: Path, written_sha256: str | None) -> bytes | None:
    """The register's bytes if someone may have typed in it since the pipeline wrote it
    (they differ from ``written_sha256``, or that is not known); None if it is as written
    or there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UnreadableRegister(
            f"{path.name} could not be read for sign-offs typed in it ({exc.strerror or exc}); "
            "they are taken once it can be read"
        ) from exc
    if written_sha256 is not None and hashlib.sha256(data).hexdigest() == written_sha256:
        return None
    return data


def read_typed(data: bytes, name: str = "register.xlsx") -> Typed:
    """The Change type and Sign-off level cells of every row holding a reference."""
    try:
        pkg = Package(data)
        strings = shared_strings(pkg)
        sheet, cols = _register_sheet(pkg, strings)
        cells: dict[str, dict[str, str]] = {}
        letters = {key: get_column_letter(col) for key, col in cols.items()}
        for number in sheet.order[1:]:
            found = _cells(sheet.rows[number], {f"{v}{number}": k for k, v in letters.items()})
            ref = _text(found.get("ref"), strings)
            if ref:
                typed = {key: _text(found.get(key), strings) for key in TYPED_IN}
                cells.setdefault(ref_key(ref), typed)
        who, saved = _saved(pkg)
    except (  # every way a damaged or hostile package breaks zipfile, zlib and lxml
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        RuntimeError,  # an encrypted part
        NotImplementedError,  # a compression method zipfile lacks
        etree.XMLSyntaxError,
        Unsupported,
        KeyError,
        ValueError,
        IndexError,
    ) as exc:
        raise UnreadableRegister(
            f"{name} could not be read for sign-offs typed in it ({exc}); nothing typed in "
            "it was taken. Open it in Excel and save it again, or run `pipeline register "
            "rebuild --to register-new.xlsx` to start a fresh register beside it"
        ) from exc
    return Typed(cells, who, saved, name)


def _register_sheet(pkg: Package, strings: list[str]) -> tuple[Sheet, dict[str, int]]:
    """The Register sheet (by its name, else renamed: the first sheet headed Reference and
    Title, as the writers find it) and the columns of the reference and the typed cells."""
    sheets = pkg.sheets()
    named = [sheets[SHEET]] if SHEET in sheets else []
    for part in [*named, *(p for p in sheets.values() if p not in named)]:
        if not pkg.has(part):
            continue
        sheet = Sheet(pkg.xml(part))
        if not sheet.order or sheet.order[0] != 1:
            continue
        found: dict[str, int] = {}
        for col, cell in Sheet.cells(sheet.rows[1]).items():
            found.setdefault(header_key(cell_value(cell, strings)), col)
        wanted = {c.key: header_key(c.header) for c in COLUMNS if c.key in ("ref", *TYPED_IN)}
        if header_key("Title") in found and all(h in found for h in wanted.values()):
            return sheet, {key: found[h] for key, h in wanted.items()}
    raise Unsupported("no sheet headed Reference, Title, Change type and Sign-off level")


def _cells(row: etree._Element, wanted: dict[str, str]) -> dict[str, etree._Element]:
    """The row's cells at the references in ``wanted`` (ref -> our key), by their "r"
    attribute alone: a 5,000-row sheet's other cells are not parsed for their column
    (:meth:`Sheet.cells` did, at half the cost of reading the register)."""
    found = {}
    for cell in row:
        where = cell.get("r")
        if where is None:
            raise Unsupported("a cell without its reference")
        key = wanted.get(where)
        if key is not None:
            found[key] = cell
    return found


def _text(cell: etree._Element | None, strings: list[str]) -> str:
    if cell is None:
        return ""
    value = cell_value(cell, strings)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _saved(pkg: Package) -> tuple[str, datetime | None]:
    """Who last saved the file and when, from its core properties (either may be missing)."""
    if not pkg.has(_CORE):
        return "", None
    core = pkg.xml(_CORE)
    who = " ".join((core.findtext(_CP + "lastModifiedBy") or "").split())[:100]
    when: datetime | None = None
    text = (core.findtext(_DCTERMS + "modified") or "").strip()
    if text:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            when = None
    if when is not None and when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return who, when
