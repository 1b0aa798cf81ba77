"""What the History and Dashboard sheets show, cell by cell, and how each cell looks.

Both sheets are wholly the pipeline's. Their content is worked out here once, as plain
values and :class:`Look` s, so the openpyxl writer (:mod:`pipeline.register.sheets`) and
the XML fast path (:mod:`pipeline.register.xml.sheets`) cannot show different things.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill

from pipeline.dates import financial_quarter, quarter_label, quarter_range
from pipeline.journal.store import Event
from pipeline.register.cells import DATE_FORMAT, DATETIME_FORMAT, as_date, as_text

STATUSES = ("requested", "draft", "in consultation", "awaiting sign-off", "approved", "published")
STATUS_LIST = '"' + ",".join(STATUSES) + '"'  # the Status drop-down's list, as Excel stores it
OVERDUE, DUE_SOON = "overdue", "due within 90 days"  # the review states that are highlighted
DUE_SOON_DAYS = 90
TOP = Alignment(vertical="top")
CENTRE_TOP = Alignment(vertical="top", horizontal="center")
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
TITLE_FONT = Font(size=16, bold=True, color="1F3864")
HEADING_FONT = Font(size=12, bold=True, color="1F3864")
HEAD_FILL = PatternFill("solid", fgColor="1F3864")
HEAD_FONT = Font(bold=True, color="FFFFFF")
LINK_FONT = Font(color="0563C1", underline="single")  # for a link cell still in the default font


@dataclass(frozen=True)
class Look:
    """A cell's formatting, as one value both writers apply (None: leave as default)."""

    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    number_format: str | None = None


HEAD = Look(font=HEAD_FONT, fill=HEAD_FILL)
PLAIN = Look()
HISTORY_COLUMNS: tuple[tuple[str, float, Look], ...] = (
    ("When", 17, Look(alignment=CENTRE_TOP, number_format=DATETIME_FORMAT)),
    ("File", 32, Look(alignment=TOP)),
    ("Form type", 20, Look(alignment=TOP)),
    ("Policy", 14, Look(alignment=TOP)),
    ("Who", 22, Look(alignment=TOP)),
    ("Outcome", 12, Look(alignment=TOP)),
    ("Detail", 70, Look(alignment=WRAP_TOP)),
)
DASHBOARD_WIDTHS = (26, 12, 3, 15, 45, 15, 24, 13)
OVERDUE_START = 21  # the overdue list sits under the chart
CHART_ANCHOR = "D4"


def history_values(event: Event) -> tuple[Any, ...]:
    """One History row, in the order of :data:`HISTORY_COLUMNS`."""
    return (
        event.when,
        event.file,
        event.form_type,
        event.policy_ref,
        event.who,
        event.outcome,
        event.detail,
    )


# --- reviews ----------------------------------------------------------------------------------


def review_state(next_review: date | None, today: date) -> str:
    """ "overdue", "due within 90 days", "in date", or "" when there is no review date."""
    if next_review is None:
        return ""
    if isinstance(next_review, datetime):
        next_review = next_review.date()
    if next_review < today:
        return OVERDUE
    if next_review <= today + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return "in date"


def review_date(policy: dict[str, Any]) -> date | None:
    """The policy's next review as a date (it may have been stored as ISO or dd/mm/yyyy text).

    The Register sheet's review state, the Dashboard and ``register due`` all read it here.
    """
    when = as_date(policy.get("next_review"))
    return when.date() if isinstance(when, datetime) else when


def next_quarters(today: date, count: int = 8) -> list[str]:
    """The labels of the current financial quarter and the ones after it (8 = two years)."""
    out, day = [], today
    for _ in range(count):
        out.append(quarter_label(day))
        day = quarter_range(*financial_quarter(day)).end + timedelta(days=1)
    return out


# --- the Dashboard ----------------------------------------------------------------------------


@dataclass
class DashboardLayout:
    """The Dashboard's cells (row, column, value, look) and the rows its chart plots."""

    cells: list[tuple[int, int, Any, Look]] = field(default_factory=list)
    chart_first: int = 0  # first quarter's row; the chart plots ``chart_rows`` rows from here
    chart_rows: int = 0

    def put(self, row: int, col: int, value: Any, look: Look = PLAIN) -> None:
        self.cells.append((row, col, value, look))

    def heading_row(self, row: int, col: int, headers: Sequence[str]) -> None:
        for offset, text in enumerate(headers):
            self.put(row, col + offset, text, HEAD)


def dashboard_layout(policies: Sequence[dict[str, Any]], today: date) -> DashboardLayout:
    """Counts by status, reviews due by financial quarter and the overdue list."""
    out = DashboardLayout()
    out.put(1, 1, "Policy register dashboard", Look(font=TITLE_FONT))
    out.put(
        2,
        1,
        f"{len(policies)} policies as at {today:%d/%m/%Y}. This sheet is rebuilt by the pipeline "
        "on every update: keep your own notes on another sheet.",
        Look(font=Font(italic=True, color="595959")),
    )
    statuses = Counter(str(p.get("status") or "(not set)") for p in policies)
    out.put(4, 1, "Policies by status", Look(font=HEADING_FONT))
    out.heading_row(5, 1, ("Status", "Policies"))
    names = list(STATUSES) + sorted(set(statuses) - set(STATUSES))
    row = 6
    for name in names:
        out.put(row, 1, name[:1].upper() + name[1:])
        out.put(row, 2, statuses.get(name, 0))
        row += 1
    bold = Look(font=Font(bold=True))
    out.put(row, 1, "Total", bold)
    out.put(row, 2, len(policies), bold)

    quarters = next_quarters(today)
    counts: Counter[str] = Counter()
    for policy in policies:
        when = review_date(policy)
        if when is None:
            counts["none"] += 1
        elif when < today:
            counts["overdue"] += 1
        elif quarter_label(when) in quarters:
            counts[quarter_label(when)] += 1
        else:
            counts["later"] += 1
    top = row + 2
    out.put(top, 1, "Reviews due", Look(font=HEADING_FONT))
    out.heading_row(top + 1, 1, ("Period", "Reviews"))
    lines = [("Overdue now", counts["overdue"])]
    lines += [(label, counts[label]) for label in quarters]
    lines += [("Later", counts["later"]), ("No review date", counts["none"])]
    red = Look(font=Font(bold=True, color="9C0006"))
    for offset, (label, count) in enumerate(lines, start=top + 2):
        look = red if offset == top + 2 else PLAIN
        out.put(offset, 1, label, look)
        out.put(offset, 2, count, look)
    out.chart_first, out.chart_rows = top + 3, len(quarters)

    overdue = sorted(
        ((review_date(p), p) for p in policies if (review_date(p) or today) < today),
        key=lambda pair: (pair[0] or today, str(pair[1]["ref"])),
    )
    start = OVERDUE_START
    out.put(start, 4, f"Overdue reviews ({len(overdue)})", Look(font=HEADING_FONT))
    out.heading_row(
        start + 1, 4, ("Reference", "Title", "Review was due", "Business owner", "Days overdue")
    )
    centred = Look(alignment=Alignment(horizontal="center"), number_format=DATE_FORMAT)
    for offset, (when, policy) in enumerate(overdue, start=start + 2):
        assert when is not None
        out.put(offset, 4, policy["ref"])
        out.put(offset, 5, as_text(policy.get("title") or ""))
        out.put(offset, 6, when, centred)
        out.put(offset, 7, as_text(policy.get("business_owner") or ""))
        out.put(offset, 8, (today - when).days)
    if not overdue:
        out.put(start + 2, 4, "None: every review date is in the future.")
    return out
