"""History and Dashboard written as sheet XML, for the register's fast path.

Both sheets are wholly the pipeline's, so their rows are generated as text from the same
layout the openpyxl writer uses (:mod:`pipeline.register.layout`) and dropped into the
existing sheet part in place of its old rows; the part's columns, frozen header, print set-up,
table and chart are kept, with the table's and chart's ranges moved to the new rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from lxml import etree
from openpyxl.utils import get_column_letter as column_letter

from pipeline.journal.store import Event
from pipeline.register.cells import clean, formula_like, stored
from pipeline.register.layout import (
    HEAD,
    HISTORY_COLUMNS,
    Look,
    dashboard_layout,
    history_values,
)
from pipeline.register.xml.package import (
    NS,
    Package,
    Unsupported,
    excel_number,
    parse_range,
    range_ref,
)
from pipeline.register.xml.styles import StyleBook

_N = "{" + NS + "}"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_CHART_RANGE = re.compile(rb"(<(?:c:)?f>'?Dashboard'?!)\$([AB])\$\d+:\$([AB])\$\d+(</(?:c:)?f>)")
_CACHES = re.compile(rb"<(c:)?(numCache|strCache)>.*?</(?:c:)?\2>", re.DOTALL)


def cell_xml(ref: str, value: Any, style: int) -> str:
    """One ``<c>`` element for a value already :func:`clean` ed; text is never a formula."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":  # openpyxl writes "" as an empty cell too
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        text = stored(value).translate(_ESCAPES)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, (date, datetime)):
        value = excel_number(value)
    number = str(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)
    return f'<c r="{ref}"{s}><v>{number}</v></c>'


def look_ids(styles: StyleBook, look: Look) -> tuple[int, int]:
    """The look's style index without and with Excel's quote prefix (formula-like text)."""
    return styles.look(look, False), styles.look(look, True)


def replace_rows(pkg: Package, part: str, rows: list[str], last: str) -> None:
    """Swap the part's ``sheetData`` for these rows and set its dimension to ``A1:<last>``."""
    data = pkg.read(part)
    start = data.find(b"<sheetData")
    if start < 0:
        raise Unsupported(f"{part}: no sheetData")
    if data.startswith(b"<sheetData/>", start):
        end = start + len(b"<sheetData/>")
    else:
        end = data.find(b"</sheetData>", start)
        if end < 0:
            raise Unsupported(f"{part}: unterminated sheetData")
        end += len(b"</sheetData>")
    body = ("<sheetData>" + "".join(rows) + "</sheetData>").encode()
    data = data[:start] + body + data[end:]
    data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>'.encode(), data)
    pkg.write(part, data)


def fit_table(
    pkg: Package,
    part: str,
    name: str,
    headers: dict[int, Any],
    cols: tuple[int, int],
    last_row: int,
) -> None:
    """Grow the named table over columns ``cols`` (first, last) as openpyxl's fit_table would.

    It never shrinks, and its header is row 1.

    If its columns would need renaming to match the header row, openpyxl does the sync.
    """
    for table_part in pkg.related(part, "table"):
        table = pkg.xml(table_part)
        if name in (table.get("name"), table.get("displayName")):
            break
    else:
        raise Unsupported(f"no table {name}")
    r1, c1, r2, c2 = parse_range(str(table.get("ref")))
    first_row, first_col = min(1, r1), min(cols[0], c1)
    last_row, last_col = max(last_row, r2, first_row + 1), max(cols[1], c2)
    expected, seen = [], set()
    for index, col in enumerate(range(first_col, last_col + 1), start=1):
        value = headers.get(col)
        header = str(value).strip() if value not in (None, "") else f"Column{index}"
        while header in seen:
            header += " 2"
        seen.add(header)
        if value != header:
            raise Unsupported(f"{name}: header {value!r} would be renamed")
        expected.append(header)
    columns = table.find(_N + "tableColumns")
    if columns is None or [c.get("name") for c in columns] != expected:
        raise Unsupported(f"{name}: table columns differ from the header row")
    ref = range_ref(first_row, first_col, last_row, last_col)
    table.set("ref", ref)
    autofilter = table.find(_N + "autoFilter")
    if autofilter is None:
        autofilter = etree.Element(_N + "autoFilter")
        table.insert(0, autofilter)
    autofilter.set("ref", ref)
    for stale in (autofilter.find(_N + "sortState"), table.find(_N + "sortState")):
        if stale is not None:
            parent = stale.getparent()
            assert parent is not None
            parent.remove(stale)  # its range is stale; the rows keep their order
    pkg.write_xml(table_part, table)


def write_history(pkg: Package, styles: StyleBook, part: str, events: Sequence[Event]) -> None:
    """One row per journal event, regenerated; the table grows to cover them."""
    width = len(HISTORY_COLUMNS)
    letters = [column_letter(c) for c in range(1, width + 1)]
    head_ids = look_ids(styles, HEAD)
    head = "".join(
        cell_xml(f"{letters[i]}1", header, head_ids[formula_like(header)])
        for i, (header, _, _) in enumerate(HISTORY_COLUMNS)
    )
    rows = [f'<row r="1">{head}</row>']
    ids = [look_ids(styles, look) for _, _, look in HISTORY_COLUMNS]
    for number, event in enumerate(events, start=2):
        cells = []
        for i, value in enumerate(history_values(event)):
            value = clean(value)
            cells.append(cell_xml(f"{letters[i]}{number}", value, ids[i][formula_like(value)]))
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    last_row = max(len(events) + 1, 2)
    replace_rows(pkg, part, rows, f"{letters[-1]}{last_row}")
    headers = {i: header for i, (header, _, _) in enumerate(HISTORY_COLUMNS, start=1)}
    fit_table(pkg, part, "PolicyHistory", headers, (1, width), last_row)


def write_dashboard(
    pkg: Package, styles: StyleBook, part: str, policies: Sequence[dict[str, Any]], today: date
) -> None:
    """The Dashboard's cells regenerated, and its chart pointed at the quarters' rows."""
    layout = dashboard_layout(policies, today)
    by_row: dict[int, list[tuple[int, Any, Look]]] = {}
    for row, col, value, look in layout.cells:
        by_row.setdefault(row, []).append((col, clean(value), look))
    rows = []
    for number in sorted(by_row):
        cells = "".join(
            cell_xml(f"{column_letter(col)}{number}", value, styles.look(look, formula_like(value)))
            for col, value, look in sorted(by_row[number], key=lambda item: item[0])
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    last_col = max(col for _, col, _, _ in layout.cells)
    replace_rows(pkg, part, rows, f"{column_letter(last_col)}{max(by_row)}")

    drawings = pkg.related(part, "drawing")
    charts = pkg.related(drawings[0], "chart") if len(drawings) == 1 else []
    if len(charts) != 1:
        raise Unsupported("the Dashboard's chart is not where the pipeline put it")
    first, last = layout.chart_first, layout.chart_first + layout.chart_rows - 1
    chart, count = _CHART_RANGE.subn(
        lambda m: (
            m.group(1) + b"$%s$%d:$%s$%d" % (m.group(2), first, m.group(3), last) + m.group(4)
        ),
        pkg.read(charts[0]),
    )
    if count != 2:
        raise Unsupported("the Dashboard's chart plots other ranges")
    pkg.write(charts[0], _CACHES.sub(b"", chart))  # Excel refills its caches from the cells
