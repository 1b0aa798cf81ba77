"""What each of the Register sheet's own cells should hold, independent of how it is written.

A sync writes the register one of two ways: through openpyxl (creating, rebuilding, or a
workbook the fast path does not recognise) or by patching the sheet XML inside the .xlsx
(:mod:`pipeline.register.xml.patch`). Both take a cell's value, number format, note and link
from here, so the two paths cannot drift apart in what a manager sees.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pipeline.xml_chars import XML_ILLEGAL

Kind = Literal["text", "date", "link", "int"]
FORMULA_STARTS = ("=", "+", "-", "@")
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
COMMENT_AUTHOR = "pipeline"
SHEET, TABLE = "Register", "PolicyRegister"  # the Register sheet and its Excel table
# How rows are laid out: raise it whenever :func:`content` or a writer changes what a row
# holds, so a register written before is synced in full once, not only its changed rows.
ROWS = 3  # 2: the Version cell's note on the version it replaces; 3: sign-off typed notes
# The columns managers may fill where the form left them out (register/typed.py reads them,
# publish/signoff.py decides): their cells carry the pipeline's note on what was typed.
TYPED_IN = ("change_type", "sign_off_level")


@dataclass(frozen=True)
class Column:
    """One of the register's own columns; ``key`` is the key in the journal's policy dict."""

    key: str
    header: str
    width: float
    kind: Kind = "text"


COLUMNS: tuple[Column, ...] = (
    Column("ref", "Reference", 14),
    Column("title", "Title", 40),
    Column("version", "Version", 9, "int"),
    Column("status", "Status", 17),
    Column("change_type", "Change type", 16),
    Column("strategic_owner", "Strategic owner", 20),
    Column("business_owner", "Business owner", 20),
    Column("author", "Author", 20),
    Column("sign_off_level", "Sign-off level", 18),
    Column("approved_by", "Approved by", 20),
    Column("approval_date", "Approval date", 14, "date"),
    Column("last_review", "Last review", 14, "date"),
    Column("next_review", "Next review", 14, "date"),
    Column("review_state", "Review state", 20),
    Column("consultation", "Consultation", 34),
    Column("implementation_plan", "Implementation plan", 24),
    Column("impact_assessment", "Impact assessment", 24),
    Column("missing", "Missing before publication", 34),
    Column("pdf", "Latest PDF", 30, "link"),
    Column("docx", "Latest DOCX", 30, "link"),
    Column("changes", "Changes since last version", 30, "link"),
    Column("updated", "Last updated", 17, "date"),
    Column("source", "Source form", 30),
)


@dataclass(frozen=True)
class Content:
    """One cell's worth: ``value`` already cleaned (see :func:`clean`), and what goes with it.

    ``comment`` is the pipeline's note for the cell (None: no note of ours), applied only
    when ``own_comment`` (date cells, the Version cell, and emptied cells); elsewhere a note
    is left alone.
    ``link`` is the hyperlink target (None: no link), applied to link columns only.
    ``number_format`` None leaves the cell's format alone.
    """

    value: Any
    number_format: str | None = None
    link: str | None = None
    comment: str | None = None
    own_comment: bool = False


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


def clean(value: Any) -> Any:
    """A value as a cell may hold it: local naive times, text without XML-illegal characters.

    (The form readers have already replaced those with U+FFFD and warned the officer; this
    is the last guard for anything else.)
    """
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    if isinstance(value, (list, tuple, set, bool, dict)):
        value = as_text(value)
    if isinstance(value, str):
        value = XML_ILLEGAL.sub("", value)[:32767]
    return value


def stored(value: Any) -> Any:
    """Text as it must be stored for Excel to show it as given; anything else unchanged.

    Excel reads ``_xHHHH_`` in a stored string as the character HHHH, and neither openpyxl
    nor the fast path escapes it, so a literal ``_x0041_`` is stored as ``_x005F_x0041_``;
    without this the register showed "A" where the officer wrote "_x0041_". Applied once,
    where a cell's text is written (not idempotent: cleaning twice must not escape twice).
    """
    if isinstance(value, str) and "_x" in value:
        return _EXCEL_ESCAPE.sub("_x005F_", value)
    return value


def formula_like(value: Any) -> bool:
    """Text Excel would run as a formula; it is stored as text with Excel's quote prefix."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_date(value: Any) -> date | None:
    """A date from a date, ISO text or dd/mm/yyyy text; None if it is not one."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for parse in (date.fromisoformat, lambda s: datetime.strptime(s, "%d/%m/%Y").date()):
            try:
                return parse(value.strip())
            except ValueError:
                pass
    return None


def link_target(value: Any, base: Path) -> str:
    """A hyperlink relative to the register's folder, so it opens from Excel on the share."""
    target = Path(str(value))
    if target.is_absolute():
        try:
            target = Path(os.path.relpath(target, base))
        except ValueError:  # another drive on Windows: keep it absolute
            return target.as_posix()
    return target.as_posix()


def header_key(value: Any) -> str:
    """A header cell's text as our columns are found by it: spacing and case ignored."""
    return " ".join(str(value).split()).casefold() if value is not None else ""


def ref_key(value: Any) -> str:
    """A reference as rows are matched to policies: surrounding spaces and case ignored."""
    return str(value).strip().upper()


class PolicyRows:
    """Which rows each policy is written to: those holding its reference, else a new bottom row.

    Both writers report the sheet's rows through :meth:`seen`, then ask :meth:`rows` for each
    policy in turn; ``updated`` and ``added`` count the policies found and appended.
    """

    def __init__(self) -> None:
        self.by_ref: dict[str, list[int]] = {}
        self.last = 1  # the last row holding anything
        self.updated = self.added = 0

    def seen(self, row: int, ref: Any = None) -> None:
        """A row holding something; ``ref`` is its Reference cell's value, if it has one."""
        self.last = max(self.last, row)
        if ref is not None and row > 1:
            self.by_ref.setdefault(ref_key(ref), []).append(row)

    def rows(self, policy: dict[str, Any]) -> list[int]:
        found = self.by_ref.get(ref_key(policy["ref"]))
        if found:
            self.updated += 1
            return found
        self.added += 1
        self.last += 1
        return [self.last]


def replaced(policy: dict[str, Any]) -> str | None:
    """The Version cell's note when the policy document replaces an earlier published version:
    superseded once this one is published (its files are kept), else still the public one."""
    document = (policy.get("documents") or {}).get("policy") or {}
    old = str(clean(str(document.get("replaces_version") or "")))
    if not old or old == str(document.get("version", "")):
        return None
    if document.get("published"):
        return (
            f"Replaces version {old}, now superseded: it was taken out of the published "
            "folder when this version was published; its files are kept in the outbox, in "
            f"the policy's version {old} folder."
        )
    return f"Version {old} stays published until this version is published."


def content(column: Column, policy: dict[str, Any], base: Path, review: str) -> Content:
    """The cell for ``column`` in ``policy``'s row; ``review`` is its review state today."""
    if column.key in TYPED_IN:
        return typed_in(column, policy)
    value = review if column.key == "review_state" else policy.get(column.key)
    words = policy.get(f"{column.key}_text") if column.kind == "date" else None
    if value is None or value == "" or value == []:
        value = words  # a review "when the restructure completes" has words but no date
    if value is None or value == "" or value == []:
        return Content(None, own_comment=True)
    if column.kind == "date":
        when = value if isinstance(value, datetime) else as_date(value)
        differs = when is not None and words and str(words).strip() != as_text(when)
        note = clean(f"As written on the form: {words}") if differs else None
        if when is None:
            return Content(clean(as_text(value)), comment=note, own_comment=True)
        fmt = DATETIME_FORMAT if isinstance(when, datetime) else DATE_FORMAT
        return Content(clean(when), fmt, comment=note, own_comment=True)
    if column.kind == "int":
        text = str(value).strip()
        number = int(text) if text.isdigit() else clean(value)
        if column.key == "version":
            return Content(number, comment=replaced(policy), own_comment=True)
        return Content(number)
    if column.kind == "link":
        target = link_target(value, base)
        return Content(clean(target), link=target.replace(" ", "%20"))
    return Content(clean(as_text(value)))


def typed_in(column: Column, policy: dict[str, Any]) -> Content:
    """A sign-off cell: the journal's value, else what a manager typed that was not taken
    (so it is never lost by the next write), with the pipeline's note on what happened to
    what was typed (``register_typed``, written by :mod:`pipeline.publish.signoff`)."""
    entry = (policy.get("register_typed") or {}).get(column.key) or {}
    value = policy.get(column.key) or entry.get("typed") or None
    note = entry.get("note") or None
    return Content(
        clean(as_text(value)) if value is not None else None,
        comment=clean(str(note)) if note is not None else None,
        own_comment=True,
    )
