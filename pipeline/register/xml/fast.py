"""The register's fast path: one sync by editing the .xlsx parts that change, not via openpyxl.

Issue 5 asks for a batch of 100 forms against a register of 1,000 policies to update in well
under a second; openpyxl alone spends longer than that loading and saving such a workbook.
:func:`patch` does the same sync on the XML (see :mod:`pipeline.register.xml.patch` and
:mod:`pipeline.register.xml.sheets`) and returns None whenever the workbook is not as the
pipeline left it in some way it cannot handle exactly; :mod:`pipeline.register.workbook` then syncs
through openpyxl, which also recreates anything missing, so the next sync is fast again.

Given ``since`` (the file as the last sync wrote it, byte for byte: the caller checks), a
policy not changed since that sync, and whose review state is the same today as on that
sync's day, already has exactly the cells this sync would write, so its row is not touched:
a batch's sync of a large register costs what the batch changed, not the register's size.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl.utils import get_column_letter as column_letter

from pipeline.journal.store import Snapshot, Written
from pipeline.register.cells import SHEET, TABLE
from pipeline.register.layout import DUE_SOON, OVERDUE, STATUS_LIST, review_date, review_state
from pipeline.register.xml.package import (
    NS,
    Package,
    Unsupported,
    parse_range,
    range_ref,
)
from pipeline.register.xml.patch import patch_register
from pipeline.register.xml.sheets import fit_table, write_dashboard, write_history
from pipeline.register.xml.styles import StyleBook, StyleError

_N = "{" + NS + "}"
REVIEW_TEXTS = (OVERDUE, DUE_SOON)  # in the order apply_rules adds their rules


@dataclass
class Patched:
    """A workbook ready to save, and the counts the sync reports."""

    package: Package
    updated: int
    added: int


def patch(
    path: Path,
    snap: Snapshot,
    today: date,
    *,
    data: bytes | None = None,
    since: Written | None = None,
) -> Patched | None:
    """The synced workbook, or None if openpyxl must do this sync (see the module docstring).

    ``data``: the file's bytes, if already read; ``since``: the sync that wrote exactly them.
    """
    try:
        pkg = Package(data if data is not None else path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None  # damaged or unreadable: the openpyxl path says why and rebuilds
    try:
        return _patch(pkg, path, snap, today, unchanged(snap, since, today))
    except (Unsupported, StyleError, etree.XMLSyntaxError):
        return None


def unchanged(snap: Snapshot, since: Written | None, today: date) -> set[str]:
    """References of policies whose cells are as the sync ``since`` wrote them.

    A policy with no generation of its own was last changed before generations were kept,
    so before any sync that recorded ``since``.
    """
    if since is None:
        return set()
    out = set()
    for policy in snap.policies:
        if snap.changed.get(policy["ref"], 0) > since.generation:
            continue
        when = review_date(policy)
        if review_state(when, today) == review_state(when, since.day):
            out.add(policy["ref"])
    return out


def _patch(pkg: Package, path: Path, snap: Snapshot, today: date, same: set[str]) -> Patched:
    sheets = pkg.sheets()
    if not {SHEET, "History", "Dashboard"} <= set(sheets):
        raise Unsupported("a pipeline sheet is missing")
    styles_parts = pkg.related("xl/workbook.xml", "styles")
    if len(styles_parts) != 1:
        raise Unsupported("no styles part")
    styles = StyleBook(pkg.read(styles_parts[0]))
    part = sheets[SHEET]
    base = path.parent.resolve()
    done = patch_register(pkg, styles, part, snap.policies, base, today, same)
    root, cols, last_row = done.root, done.cols, done.last_row
    last_col = max(cols.values())
    while done.headers.get(last_col + 1) is not None:
        last_col += 1  # a manager's headed column beside ours joins the table, as in Excel
    fit_table(pkg, part, TABLE, done.headers, (min(cols.values()), last_col), last_row)
    _fit_rules(root, cols["status"], cols["next_review"], cols["review_state"], last_row)
    _fit_dimension(root, last_row, last_col)
    views = root.find(_N + "sheetViews")
    if views is None or views.find(f"{_N}sheetView/{_N}pane") is None:
        raise Unsupported("the header row is not frozen")
    pkg.write_xml(part, root)
    write_history(pkg, styles, sheets["History"], snap.events)
    write_dashboard(pkg, styles, sheets["Dashboard"], snap.policies, today)
    if styles.changed:
        pkg.write(styles_parts[0], styles.to_bytes())
    pkg.drop_calc_chain()
    return Patched(pkg, done.updated, done.added)


def _fit_rules(root: etree._Element, status: int, next_review: int, state: int, last: int) -> None:
    """Move our highlighting and Status drop-down over the current rows.

    Only if they are exactly as openpyxl's ``apply_rules`` leaves them (ours after every rule
    of the manager's, following our columns); otherwise openpyxl re-applies them.
    """
    anchor = f"${column_letter(state)}2"
    ours: list[tuple[Any, Any, list[str]]] = []
    others: list[tuple[Any, Any, list[str]]] = []
    for block in root.iter(_N + "conditionalFormatting"):
        for rule in block.iter(_N + "cfRule"):
            formulas = [f.text or "" for f in rule.iter(_N + "formula")]
            review = any(f'="{text}"' in f for f in formulas for text in REVIEW_TEXTS)
            (ours if review else others).append((block, rule, formulas))
    top = max((int(rule.get("priority", "0")) for _, rule, _ in others), default=0)
    expected = [[f'{anchor}="{text}"'] for text in REVIEW_TEXTS]
    if (
        [formulas for _, _, formulas in ours] != expected
        or [int(rule.get("priority", "0")) for _, rule, _ in ours] != [top + 1, top + 2]
        or ours[0][0] is not ours[1][0]
        or len(ours[0][0].findall(_N + "cfRule")) != 2
    ):
        raise Unsupported("the review highlighting is not as the pipeline left it")
    ours[0][0].set(
        "sqref",
        " ".join(f"{column_letter(c)}2:{column_letter(c)}{last}" for c in (next_review, state)),
    )
    validations = root.find(_N + "dataValidations")
    lists = [
        dv
        for dv in (validations if validations is not None else ())
        if (dv.findtext(_N + "formula1") or "") == STATUS_LIST
    ]
    if len(lists) != 1:
        raise Unsupported("the Status drop-down is not as the pipeline left it")
    letter = column_letter(status)
    lists[0].set("sqref", f"{letter}2:{letter}{last}")


def _fit_dimension(root: etree._Element, last_row: int, last_col: int) -> None:
    dimension = root.find(_N + "dimension")
    if dimension is not None:
        r1, c1, r2, c2 = parse_range(str(dimension.get("ref")))
        dimension.set("ref", range_ref(r1, c1, max(r2, last_row), max(c2, last_col)))
