"""The register's pipeline-owned sheets (History, Dashboard), and sheet helpers.

The helpers (formula-safe cell writes, growing a table, the review highlighting and Status
drop-down) are shared with the Register sheet in :mod:`pipeline.register`.

Unlike the Register sheet, History and Dashboard hold nothing a manager types: they are
rebuilt from the journal on every sync, in the same position among the sheets. Managers'
own notes belong on the Register sheet or on a sheet of their own, both of which survive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.journal import Event, Journal

STATUSES = ("requested", "draft", "in consultation", "awaiting sign-off", "approved", "published")
DUE_SOON_DAYS = 90
FORMULA_STARTS = ("=", "+", "-", "@")
HISTORY_COLUMNS = (
    ("When", 17),
    ("File", 32),
    ("Form type", 20),
    ("Policy", 14),
    ("Who", 22),
    ("Outcome", 12),
    ("Detail", 70),
)
TOP = Alignment(vertical="top")
CENTRE_TOP = Alignment(vertical="top", horizontal="center")
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
OVERDUE_FILL = PatternFill(bgColor="FFC7CE", fill_type="solid")
AMBER_FILL = PatternFill(bgColor="FFEB9C", fill_type="solid")
TITLE_FONT = Font(size=16, bold=True, color="1F3864")
HEADING_FONT = Font(size=12, bold=True, color="1F3864")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")
HEAD_FONT = Font(bold=True, color="FFFFFF")


# --- cells ------------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """How a non-date value from a form reads in a text cell."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple, set)):
        return "; ".join(as_text(v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def put_value(cell: Cell | MergedCell, value: Any, number_format: str | None = None) -> None:
    """Write a value the way a form's text must be written: never as a formula.

    Strings Excel would treat as formulas are stored as text cells with Excel's quote
    prefix, so the visible text is unchanged and re-editing the cell in Excel keeps it text.
    """
    if isinstance(cell, MergedCell):  # a manager merged cells here: nothing we can write
        return
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    if isinstance(value, (list, tuple, set, bool, dict)):
        value = as_text(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    cell.value = value
    formula_like = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if formula_like:
        cell.data_type = "s"
    if bool(cell.quotePrefix) != formula_like:
        cell.quotePrefix = formula_like
    if number_format and cell.number_format != number_format:
        cell.number_format = number_format


def fit_table(
    ws: Worksheet, name: str, first_row: int, last_row: int, first_col: int, last_col: int
) -> Table:
    """Make the named Excel table cover at least these cells (it never shrinks).

    Table columns are matched to header cells by name so settings on existing columns are
    kept, and a manager's column inserted inside the table becomes a table column.
    """
    table: Table | None = ws.tables[name] if name in ws.tables else None  # noqa: SIM401
    if table is not None:
        c1, r1, c2, r2 = range_boundaries(table.ref)
        first_col, first_row = min(first_col, c1 or first_col), min(first_row, r1 or first_row)
        last_col, last_row = max(last_col, c2 or last_col), max(last_row, r2 or last_row)
    else:
        table = Table(displayName=name, ref="A1:A2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    last_row = max(last_row, first_row + 1)  # a table needs a row below its header
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    existing = {col.name: col for col in table.tableColumns}
    columns: list[TableColumn] = []
    seen: set[str] = set()
    for index, col in enumerate(range(first_col, last_col + 1), start=1):
        cell = ws.cell(first_row, col)
        header = str(cell.value).strip() if cell.value not in (None, "") else f"Column{index}"
        while header in seen:  # Excel requires unique header names
            header += " 2"
        seen.add(header)
        if cell.value != header:
            cell.value = header
        column = existing.get(header) or TableColumn(id=index, name=header)
        column.id = index
        columns.append(column)
    table.tableColumns = columns
    table.ref = ref
    if table.autoFilter is None:
        table.autoFilter = AutoFilter(ref=ref)
    else:
        table.autoFilter.ref = ref
        if table.autoFilter.sortState is not None:
            table.autoFilter.sortState = None  # its range is stale; the rows keep their order
    if table.sortState is not None:
        table.sortState = None
    return table


def _is_review_rule(rule: Rule) -> bool:
    return any('="overdue"' in f or '="due within 90 days"' in f for f in rule.formula or ())


def apply_rules(ws: Worksheet, status: int, next_review: int, state: int, last_row: int) -> None:
    """(Re)apply our conditional formatting and Status drop-down to the current rows.

    Managers' own rules are kept; ours are recognised by their content and replaced, so they
    follow our columns if a manager has moved them and cover rows added since.
    """
    kept = ConditionalFormattingList()
    priority = 0
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if not _is_review_rule(rule):
                kept.add(cf, rule)
                priority = max(priority, rule.priority or 0)
    anchor = f"${get_column_letter(state)}2"
    area = " ".join(
        f"{get_column_letter(c)}2:{get_column_letter(c)}{last_row}" for c in (next_review, state)
    )
    for text, fill, font in (
        ("overdue", OVERDUE_FILL, "9C0006"),
        ("due within 90 days", AMBER_FILL, "9C5700"),
    ):
        style = DifferentialStyle(fill=fill, font=Font(color=font))
        priority += 1  # after the manager's rules, never clashing with them
        rule = Rule(type="expression", dxf=style, formula=[f'{anchor}="{text}"'], priority=priority)
        kept.add(area, rule)
    ws.conditional_formatting = kept

    statuses = '"' + ",".join(STATUSES) + '"'
    dvs = ws.data_validations
    dvs.dataValidation = [dv for dv in dvs.dataValidation if dv.formula1 != statuses]
    letter = get_column_letter(status)
    dv = DataValidation(
        type="list",
        formula1=statuses,
        allow_blank=True,
        errorStyle="warning",
        errorTitle="Status",
        error="Status is normally one of the listed values; the pipeline sets it from forms.",
    )
    dv.add(f"{letter}2:{letter}{last_row}")
    dvs.append(dv)


# --- reviews ----------------------------------------------------------------------------------


def review_state(next_review: date | None, today: date) -> str:
    """ "overdue", "due within 90 days", "in date", or "" when there is no review date."""
    if next_review is None:
        return ""
    if isinstance(next_review, datetime):
        next_review = next_review.date()
    if next_review < today:
        return "overdue"
    if next_review <= today + timedelta(days=DUE_SOON_DAYS):
        return "due within 90 days"
    return "in date"


def review_date(policy: dict[str, Any]) -> date | None:
    """The policy's next review as a date (dates may have been stored as ISO text)."""
    value = policy.get("next_review")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def financial_quarter(day: date) -> tuple[int, int]:
    """(year the financial year starts, quarter 1-4); UK financial quarters start in April."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return start_year, (day.month - 4) % 12 // 3 + 1


def quarter_label(start_year: int, quarter: int) -> str:
    """E.g. "Q3 2026/27"."""
    return f"Q{quarter} {start_year}/{(start_year + 1) % 100:02d}"


def next_quarters(today: date, count: int = 8) -> list[tuple[int, int]]:
    """The current financial quarter and the ones after it (8 = two years)."""
    year, quarter = financial_quarter(today)
    out = []
    for _ in range(count):
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def due(journal: Journal, within_days: int, today: date) -> list[dict[str, Any]]:
    """Policies whose next review is before today + within_days: overdue first, then by date.

    Each dict is the policy's values plus ``review_state`` as of ``today``.
    """
    limit = today + timedelta(days=within_days)
    found = []
    for policy in journal.policies():
        when = review_date(policy)
        if when is not None and when < limit:
            found.append({**policy, "review_state": review_state(when, today)})
    found.sort(key=lambda p: (review_date(p) or limit, str(p["ref"])))
    return found


# --- sheets -----------------------------------------------------------------------------------


def _fresh_sheet(wb: Workbook, title: str, default_index: int) -> Worksheet:
    """Replace a pipeline-owned sheet with an empty one in the same place."""
    index = default_index
    if title in wb.sheetnames:
        index = wb.sheetnames.index(title)
        wb.remove(wb[title])
    ws = wb.create_sheet(title, min(index, len(wb.sheetnames)))
    assert isinstance(ws, Worksheet)
    return ws


def write_history(wb: Workbook, events: Sequence[Event]) -> None:
    """One row per journal event, as a filterable table."""
    ws = _fresh_sheet(wb, "History", 1)
    _heading_row(ws, 1, 1, (header for header, _ in HISTORY_COLUMNS))
    for index, (_, width) in enumerate(HISTORY_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row, event in enumerate(events, start=2):
        values = (event.when, event.file, event.form_type, event.policy_ref, event.who)
        for col, value in enumerate((*values, event.outcome, event.detail), start=1):
            cell = ws.cell(row, col)
            put_value(cell, value, "dd/mm/yyyy hh:mm" if col == 1 else None)
            cell.alignment = WRAP_TOP if col == 7 else CENTRE_TOP if col == 1 else TOP
    fit_table(ws, "PolicyHistory", 1, len(events) + 1, 1, len(HISTORY_COLUMNS))
    ws.freeze_panes = "A2"
    _landscape(ws)
    ws.print_title_rows = "1:1"


def _landscape(ws: Worksheet) -> None:
    """Print one page wide, landscape, as managers print these for meetings."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


def _heading_row(ws: Worksheet, row: int, col: int, headers: Iterable[str]) -> None:
    for offset, text in enumerate(headers):
        cell = ws.cell(row, col + offset, text)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL


def write_dashboard(wb: Workbook, policies: Sequence[dict[str, Any]], today: date) -> None:
    """Counts by status, reviews due by financial quarter (with a chart) and the overdue list."""
    ws = _fresh_sheet(wb, "Dashboard", 2)
    for letter, width in zip("ABCDEFGH", (26, 12, 3, 15, 45, 15, 24, 13), strict=True):
        ws.column_dimensions[letter].width = width
    ws["A1"] = "Policy register dashboard"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = (
        f"{len(policies)} policies as at {today:%d/%m/%Y}. This sheet is rebuilt by the pipeline "
        "on every update: keep your own notes on another sheet."
    )
    ws["A2"].font = Font(italic=True, color="595959")

    statuses = Counter(str(p.get("status") or "(not set)") for p in policies)
    ws["A4"] = "Policies by status"
    ws["A4"].font = HEADING_FONT
    _heading_row(ws, 5, 1, ("Status", "Policies"))
    names = list(STATUSES) + sorted(set(statuses) - set(STATUSES))
    row = 6
    for name in names:
        ws.cell(row, 1, name[:1].upper() + name[1:])
        ws.cell(row, 2, statuses.get(name, 0))
        row += 1
    ws.cell(row, 1, "Total").font = Font(bold=True)
    ws.cell(row, 2, len(policies)).font = Font(bold=True)

    quarters = next_quarters(today)
    counts: Counter[str] = Counter()
    for policy in policies:
        when = review_date(policy)
        if when is None:
            counts["none"] += 1
        elif when < today:
            counts["overdue"] += 1
        elif financial_quarter(when) in quarters:
            counts[quarter_label(*financial_quarter(when))] += 1
        else:
            counts["later"] += 1
    top = row + 2
    ws.cell(top, 1, "Reviews due").font = HEADING_FONT
    _heading_row(ws, top + 1, 1, ("Period", "Reviews"))
    lines = [("Overdue now", counts["overdue"])]
    lines += [(quarter_label(*q), counts[quarter_label(*q)]) for q in quarters]
    lines += [("Later", counts["later"]), ("No review date", counts["none"])]
    for offset, (label, count) in enumerate(lines, start=top + 2):
        ws.cell(offset, 1, label)
        ws.cell(offset, 2, count)
    ws.cell(top + 2, 1).font = ws.cell(top + 2, 2).font = Font(bold=True, color="9C0006")

    chart = BarChart()
    chart.type = "col"
    chart.title = "Reviews due by quarter"
    chart.y_axis.title = "Policies"
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False  # openpyxl hides axes by default in recent Excel
    chart.y_axis.delete = False
    first = top + 3
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=first + len(quarters) - 1))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + 7))
    chart.width, chart.height = 21, 8
    ws.add_chart(chart, "D4")

    overdue = sorted(
        ((review_date(p), p) for p in policies if (review_date(p) or today) < today),
        key=lambda pair: (pair[0] or today, str(pair[1]["ref"])),
    )
    start = 21
    ws.cell(start, 4, f"Overdue reviews ({len(overdue)})").font = HEADING_FONT
    _heading_row(ws, start + 1, 4, ("Reference", "Title", "Review was due", "Business owner"))
    ws.cell(start + 1, 8, "Days overdue").font = HEAD_FONT
    ws.cell(start + 1, 8).fill = HEAD_FILL
    for offset, (when, policy) in enumerate(overdue, start=start + 2):
        assert when is not None
        put_value(ws.cell(offset, 4), policy["ref"])
        put_value(ws.cell(offset, 5), as_text(policy.get("title") or ""))
        put_value(ws.cell(offset, 6), when, "dd/mm/yyyy")
        ws.cell(offset, 6).alignment = Alignment(horizontal="center")
        put_value(ws.cell(offset, 7), as_text(policy.get("business_owner") or ""))
        ws.cell(offset, 8, (today - when).days)
    if not overdue:
        ws.cell(start + 2, 4, "None: every review date is in the future.")
    _landscape(ws)
