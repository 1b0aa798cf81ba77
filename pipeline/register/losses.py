"""What a sync would lose: managers' work counted in register.xlsx before and after, in memory.

Managers open the register in Excel and add their own things: sheets, charts, pivot tables,
pictures, shapes, notes, drop-downs, highlighting, hidden columns, filters. openpyxl drops
some of these when it loads and saves a workbook (charts, pivot tables, shapes), so a sync
could quietly destroy an afternoon's work. Each writer's result is therefore counted here,
feature by feature, against the file on disk *before* anything is written; a feature with
fewer of it afterwards is a loss, and the sync leaves the file untouched
(:mod:`pipeline.register.workbook`).

It refuses to judge a changed part by its name (openpyxl renumbers every part it writes),
and it does not count what is wholly the pipeline's: its own notes, its Status drop-down,
its review highlighting (those it may rightly remove or move). A part carried across byte
for byte (the fast path carries every part it does not edit) holds the same features
before and after, so :func:`lost_between` counts only the parts that differ; a sheet's
cells (``sheetData``, most of a large sheet's bytes) hold none of the counted features and
are not parsed.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from lxml import etree  # type: ignore[import-untyped]

from pipeline.register.cells import COMMENT_AUTHOR
from pipeline.register.layout import DUE_SOON, OVERDUE, STATUS_LIST
from pipeline.safety.parsers import safe_parser

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DRAW = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_PARSER = safe_parser()
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_OURS_CF = tuple(f'="{text}"' for text in (OVERDUE, DUE_SOON))

# what each counted feature is called in a message to a person
NAMES = {
    "sheet": "sheets",
    "pivot": "pivot tables",
    "chart": "charts",
    "picture": "pictures",
    "shape": "shapes or text boxes",
    "note": "notes (comments)",
    "validation": "drop-downs (data validation)",
    "highlight": "conditional formatting",
    "hidden": "hidden columns",
    "filter": "filters",
    "name": "named ranges",
}


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def count(names: Iterable[str], read: Callable[[str], bytes]) -> Counter[str]:
    """How many of each manager-visible feature the package's parts hold."""
    found: Counter[str] = Counter()
    for name in names:
        folder = posixpath.dirname(name)
        if name == "xl/workbook.xml":
            root = _xml(read(name))
            for sheet in root.iter(_MAIN + "sheet"):
                found["sheet:" + str(sheet.get("name"))] += 1
            found["name"] += sum(
                1
                for n in root.iter(_MAIN + "definedName")
                if not str(n.get("name", "")).startswith("_xlnm.")
            )
        elif folder == "xl/pivotTables" and name.endswith(".xml"):
            found["pivot"] += 1
        elif folder == "xl/charts" and posixpath.basename(name).startswith("chart"):
            found["chart"] += 1
        elif folder == "xl/drawings" and name.endswith(".xml"):
            root = _xml(read(name))
            found["picture"] += sum(1 for _ in root.iter(_DRAW + "pic"))
            found["shape"] += sum(1 for _ in root.iter(_DRAW + "sp", _DRAW + "cxnSp"))
        elif folder == "xl/tables" and name.endswith(".xml"):
            found["filter"] += sum(1 for _ in _xml(read(name)).iter(_MAIN + "filterColumn"))
        elif folder == "xl" and posixpath.basename(name).startswith("comments"):
            _count_notes(_xml(read(name)), found)
        elif _SHEET.match(name):
            _count_sheet(_xml(_without_cells(read(name))), found)
    return found


def _without_cells(sheet: bytes) -> bytes:
    """The sheet part with its ``sheetData`` emptied: cells hold none of the counted features.

    Only an unprefixed ``<sheetData>`` (as Excel, LibreOffice and openpyxl write it) is cut
    out; any other spelling is parsed whole, which counts the same, only slower.
    """
    start = sheet.find(b"<sheetData")
    if start < 0 or sheet.startswith(b"<sheetData/>", start):
        return sheet
    end = sheet.find(b"</sheetData>", start)
    if end < 0:
        return sheet  # the parser says what is wrong with it
    return sheet[:start] + b"<sheetData/>" + sheet[end + len(b"</sheetData>") :]


def _count_notes(root: etree._Element, found: Counter[str]) -> None:
    authors = [a.text or "" for a in root.iter(_MAIN + "author")]
    for comment in root.iter(_MAIN + "comment"):
        index = int(comment.get("authorId", "0"))
        if not (index < len(authors) and authors[index] == COMMENT_AUTHOR):
            found["note"] += 1


def _count_sheet(root: etree._Element, found: Counter[str]) -> None:
    for dv in root.iter(_MAIN + "dataValidation"):
        if (dv.findtext(_MAIN + "formula1") or "") != STATUS_LIST:
            found["validation"] += 1
    for rule in root.iter(_MAIN + "cfRule"):
        formulas = [f.text or "" for f in rule.iter(_MAIN + "formula")]
        if not any(ours in f for f in formulas for ours in _OURS_CF):
            found["highlight"] += 1
    for col in root.iter(_MAIN + "col"):
        if col.get("hidden") in ("1", "true"):
            found["hidden"] += int(col.get("max", "0")) - int(col.get("min", "0")) + 1
    found["filter"] += sum(1 for _ in root.iter(_MAIN + "autoFilter"))


def zip_parts(data: bytes) -> dict[str, bytes]:
    """Every part of an .xlsx held in memory, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _reader(parts: Mapping[str, bytes]) -> tuple[list[str], Callable[[str], bytes]]:
    return list(parts), parts.__getitem__


def lost_between(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> list[str]:
    """:func:`lost` for two packages' parts (name -> bytes), counting only parts that differ.

    A part with the same name and bytes on both sides adds the same to both counts, so it
    cannot hide or cause a loss; when the differing parts show one, everything is counted
    so the message gives the file's totals ("1 of its 3 charts").
    """
    same = {name for name, data in after.items() if before.get(name) == data}
    had = count([n for n in before if n not in same], before.__getitem__)
    has = count([n for n in after if n not in same], after.__getitem__)
    if all(has.get(key, 0) >= n for key, n in had.items()):
        return []
    return lost(count(*_reader(before)), count(*_reader(after)))


def lost(before: Counter[str], after: Counter[str]) -> list[str]:
    """What ``after`` has fewer of than ``before``, in words: "2 pivot tables", "sheet 'Notes'"."""
    out = []
    for key, had in sorted(before.items()):
        missing = had - after.get(key, 0)
        if missing <= 0:
            continue
        if key.startswith("sheet:"):
            out.append(f"the sheet '{key[6:]}'")
        else:
            out.append(f"{missing} of its {had} {NAMES[key]}")
    return out
