"""Officers' own documents through the whole path: real LibreOffice, pypdf and openpyxl.

The Personal Budgets Policy as the framework's Appendix 3 prints it has no change type and
no sign-off level: it is accepted, produced as a DRAFT, and its register row says what is
missing before publication. One batch is run for the module (conversion is the slow part).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from pipeline.outcome import Accepted, BatchResult
from pipeline.run import run_batch
from pipeline.workspace import Workspace, init_workspace
from tests.helpers.officers import (
    COMMENT,
    COMMENTER,
    DELETED,
    DETAILS,
    FIGURE_ALT,
    INSERTED,
    PARAGRAPHS,
    REVISER,
    SECTIONS,
    appendix3_policy,
    picture_policy,
    tracked_policy,
)

pytestmark = pytest.mark.requires_libreoffice

NEW = (("Version", "1"), *DETAILS[1:])  # a first version with no reference: a new policy
SIGNED = (*DETAILS, ("Change type", "Major change"), ("Sign-off level", "Head of Service"))


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, BatchResult]]:
    ws = init_workspace(tmp_path_factory.mktemp("officers") / "ws")
    appendix3_policy(ws.inbox / "appendix-3.docx")
    appendix3_policy(ws.inbox / "new-policy.docx", title="Carers Support Policy.", details=NEW)
    tracked_policy(ws.inbox / "tracked.docx", "Direct Payments Policy", SIGNED)
    picture_policy(ws.inbox / "pictures.docx", "Fair and Affordable Care Policy", SIGNED)
    yield ws, run_batch(ws)


def _accepted(result: BatchResult, name: str) -> Accepted:
    assert not result.rejected, [(r.file, [p.message for p in r.problems]) for r in result.rejected]
    return next(a for a in result.accepted if a.file == name)


def _row(ws: Workspace, title: str) -> dict[str, Any]:
    sheet = openpyxl.load_workbook(ws.register)["Register"]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    return next(r for r in rows if r["Title"] == title)


# Page furniture repeated on every page: the running header, the footer, the DRAFT stamp.
_FURNITURE = re.compile(r"^(.* – Version .*|.*Page \d+ of \d+|DRAFT)$", re.MULTILINE)
# The house style numbers a policy's own sections from 1 (Appendix 3 prints them as 5 to 8,
# inside the framework document), so paragraph numbers are compared without their number.
_NUMBER = re.compile(r"^\d+\.\d+ ")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", _FURNITURE.sub("", text).replace("\u00ad", ""))


def _pdf(accepted: Accepted) -> PdfReader:
    return PdfReader(next(p for p in accepted.outputs if p.suffix == ".pdf"))


def test_appendix_3_policy_is_accepted_as_a_draft(batch: tuple[Workspace, BatchResult]) -> None:
    _, result = batch
    accepted = _accepted(result, "appendix-3.docx")
    assert accepted.status == "awaiting sign-off"
    assert all("DRAFT" in (page.extract_text() or "") for page in _pdf(accepted).pages)
    warned = {w.field for w in accepted.warnings if "produced as a DRAFT" in w.message}
    assert warned == {"Change type"}


def test_register_row_names_what_is_missing_before_publication(
    batch: tuple[Workspace, BatchResult],
) -> None:
    ws, _ = batch
    row = _row(ws, "Personal Budgets Policy")
    missing = row["Missing before publication"].split("; ")
    assert missing[:2] == ["the change type", "sign-off"]
    assert row["Change type"] is None and row["Source form"] == "appendix-3.docx"
    assert row["Version"] == 2 and row["Business owner"] == DETAILS[2][1]


def test_every_paragraph_of_appendix_3_reaches_the_pdf(
    batch: tuple[Workspace, BatchResult],
) -> None:
    _, result = batch
    text = _squash(
        " ".join(p.extract_text() or "" for p in _pdf(_accepted(result, "appendix-3.docx")).pages)
    )
    lost = [p for p in PARAGRAPHS if _squash(_NUMBER.sub("", p)) not in text]
    assert lost == []
    titles = [t.split(". ", 1)[1] for kind, t in SECTIONS if kind == "heading"]
    assert [t for t in titles if _squash(t) not in text] == []


def test_a_first_version_without_a_reference_is_a_new_policy_and_the_register_says_why(
    batch: tuple[Workspace, BatchResult],
) -> None:
    ws, result = batch
    accepted = _accepted(result, "new-policy.docx")
    assert not [w for w in accepted.warnings if "DRAFT" in w.message]
    row = _row(ws, "Carers Support Policy")
    assert row["Change type"] == "New policy (worked out: no reference and version 1: a new policy)"
    assert row["Missing before publication"].startswith("sign-off by Head of Service or higher")


def test_tracked_changes_hold_the_policy_as_a_draft_read_with_them_accepted(
    batch: tuple[Workspace, BatchResult],
) -> None:
    ws, result = batch
    accepted = _accepted(result, "tracked.docx")
    assert [w.message for w in accepted.warnings][-1:] == [
        "4 tracked changes by Jo Adams are not yet accepted: accept or reject them in Word, "
        "then put the form back."
    ]
    row = _row(ws, "Direct Payments Policy")
    assert row["Status"] == "draft"
    assert row["Missing before publication"].startswith(
        "4 tracked changes by Jo Adams accepted or rejected; "
    )
    text = " ".join(page.extract_text() or "" for page in _pdf(accepted).pages)
    assert "DRAFT" in text
    assert [w for w in INSERTED if _squash(w) not in _squash(text)] == []
    assert [w for w in DELETED if _squash(w) in _squash(text)] == []


def test_comments_and_their_authors_reach_no_output(batch: tuple[Workspace, BatchResult]) -> None:
    _, result = batch
    accepted = _accepted(result, "tracked.docx")
    pdf = next(p for p in accepted.outputs if p.suffix == ".pdf")
    docx = next(p for p in accepted.outputs if p.suffix == ".docx")
    with zipfile.ZipFile(docx) as package:
        parts = " ".join(package.read(n).decode("utf-8", "replace") for n in package.namelist())
    assert not [n for n in zipfile.ZipFile(docx).namelist() if "comment" in n.lower()]
    pdf_text = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    metadata = " ".join(str(v) for v in (PdfReader(pdf).metadata or {}).values())
    for secret in (COMMENT, COMMENTER, REVISER):
        assert secret not in parts and secret not in pdf_text and secret not in metadata


def _figures(node: Any) -> Iterator[dict[str, Any]]:
    """Every /Figure structure element under ``node`` of the PDF's structure tree."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for kid in node:
            yield from _figures(kid)
    elif isinstance(node, dict):
        if node.get("/S") == "/Figure":
            yield node
        if "/K" in node:
            yield from _figures(node["/K"])


def test_a_picture_reaches_the_pdf_as_a_figure_with_its_alt_text(
    batch: tuple[Workspace, BatchResult],
) -> None:
    _, result = batch
    accepted = _accepted(result, "pictures.docx")
    tree = _pdf(accepted).trailer["/Root"]["/StructTreeRoot"]
    alts = [str(f.get("/Alt", "")) for f in _figures(tree)]
    assert sorted(alts) == ["", FIGURE_ALT]  # the second picture has none: see the warning
    docx = next(p for p in accepted.outputs if p.suffix == ".docx")
    with zipfile.ZipFile(docx) as package:
        body = package.read("word/document.xml").decode()
    widths = [int(w) for w in re.findall(r'<wp:extent cx="(\d+)"', body)]
    assert len(widths) == 2 and max(widths) <= 9070 * 635  # the text column, in EMU
    assert f'descr="{FIGURE_ALT}"' in body


def test_a_picture_without_alt_text_is_a_warning_naming_its_place(
    batch: tuple[Workspace, BatchResult],
) -> None:
    _, result = batch
    warnings = [w for w in _accepted(result, "pictures.docx").warnings if "alt text" in w.message]
    assert [(w.field, w.message, w.severity) for w in warnings] == [
        (
            "Why we have this policy",
            "Picture 1 in section '6. Why we have this policy' has no alt text.",
            "warning",
        )
    ]


def test_the_change_type_and_sign_off_given_later_move_the_policy_on(
    batch: tuple[Workspace, BatchResult],
) -> None:
    """Runs last: the same policy put back with what it lacked, nothing else changed."""
    ws, _ = batch
    appendix3_policy(ws.inbox / "appendix-3-signed.docx", details=SIGNED)
    result = run_batch(ws)
    accepted = _accepted(result, "appendix-3-signed.docx")
    assert not [w for w in accepted.warnings if "DRAFT" in w.message]
    row = _row(ws, "Personal Budgets Policy")
    assert row["Change type"] == "Major change" and row["Sign-off level"] == "Head of Service"
    assert row["Missing before publication"] == "an implementation plan with a named business owner"
    assert row["Status"] == "approved"
