"""What happened to each file: the batch result and its --json shape."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.outcome import Accepted, BatchResult, Rejected
from pipeline.validate.messages import Problem

ROOT = Path("/ws")
WARNING = Problem("Impact assessment", "Not filled in.", "Say whether one was done.", "", "warning")
ERROR = Problem("Business owner", "Missing.", "Write a name.", "table 1, row 5")


def test_an_empty_batch_is_ok_and_empty() -> None:
    result = BatchResult()
    assert result.ok
    assert result.to_json() == {"accepted": [], "rejected": [], "register": ""}


def test_a_rejection_makes_the_batch_not_ok() -> None:
    result = BatchResult(rejected=[Rejected("a.docx", (ERROR,), "invalid")])
    assert not result.ok
    result.accepted.append(Accepted("b.docx", "policy", "ASC-POL-001", "draft", ()))
    assert not result.ok


def test_to_json_shows_paths_inside_the_workspace_relative_to_it() -> None:
    result = BatchResult(
        accepted=[
            Accepted(
                "p.docx",
                "policy",
                "ASC-POL-001",
                "awaiting sign-off",
                (ROOT / "outbox" / "ASC-POL-001" / "1" / "p.pdf", Path("/elsewhere/p.docx")),
                warnings=(WARNING,),
            ),
            Accepted("p.docx", "policy", "ASC-POL-001", "published", (), note="already processed"),
        ],
        rejected=[
            Rejected("m.docx", (ERROR,), "invalid", report=ROOT / "inbox" / "rejected" / "m.txt"),
            Rejected("n.pdf", (), "not a form"),
        ],
        register_note="register.xlsx updated",
    )
    data = result.to_json(ROOT)
    assert data == {
        "accepted": [
            {
                "file": "p.docx",
                "form_type": "policy",
                "policy_ref": "ASC-POL-001",
                "status": "awaiting sign-off",
                "outputs": ["outbox/ASC-POL-001/1/p.pdf", "/elsewhere/p.docx"],
                "warnings": [{"field": "Impact assessment", "message": "Not filled in."}],
            },
            {
                "file": "p.docx",
                "form_type": "policy",
                "policy_ref": "ASC-POL-001",
                "status": "published",
                "outputs": [],
                "warnings": [],
                "note": "already processed",
            },
        ],
        "rejected": [
            {
                "file": "m.docx",
                "reason": "invalid",
                "problems": [
                    {
                        "field": "Business owner",
                        "message": "Missing.",
                        "fix": "Write a name.",
                        "location": "table 1, row 5",
                    }
                ],
                "report": "inbox/rejected/m.txt",
            },
            {"file": "n.pdf", "reason": "not a form", "problems": []},
        ],
        "register": "register.xlsx updated",
    }
    assert json.loads(json.dumps(data)) == data  # plain JSON, nothing that needs a default


def test_to_json_without_a_root_shows_whole_paths() -> None:
    result = BatchResult(accepted=[Accepted("p.docx", "policy", "R", "s", (ROOT / "x.pdf",))])
    assert result.to_json()["accepted"][0]["outputs"] == [str(ROOT / "x.pdf")]
