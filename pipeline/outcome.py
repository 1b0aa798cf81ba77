"""What happened to each file in a batch, for the CLI's table and its --json."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.validate.rules import Problem


@dataclass(frozen=True)
class Accepted:
    file: str
    form_type: str
    policy_ref: str
    status: str
    outputs: tuple[Path, ...]
    warnings: tuple[Problem, ...] = ()
    note: str = ""  # e.g. "already processed on ..." for a file dropped twice


@dataclass(frozen=True)
class Rejected:
    file: str
    problems: tuple[Problem, ...]
    reason: str
    report: Path | None = None
    moved_to: Path | None = None


@dataclass
class BatchResult:
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    register_note: str = ""
    fault: str = ""  # a fault that kept the register from being written (a read-only share)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def to_json(self, root: Path | None = None) -> dict[str, Any]:
        def show(p: Path) -> str:
            if root is not None:
                try:
                    return str(p.relative_to(root))
                except ValueError:
                    pass
            return str(p)

        return {
            "accepted": [
                {
                    "file": a.file,
                    "form_type": a.form_type,
                    "policy_ref": a.policy_ref,
                    "status": a.status,
                    "outputs": [show(p) for p in a.outputs],
                    "warnings": [{"field": w.field, "message": w.message} for w in a.warnings],
                    **({"note": a.note} if a.note else {}),
                }
                for a in self.accepted
            ],
            "rejected": [
                {
                    "file": r.file,
                    "reason": r.reason,
                    "problems": [
                        {
                            "field": p.field,
                            "message": p.message,
                            "fix": p.fix,
                            "location": p.location,
                        }
                        for p in r.problems
                    ],
                    **({"report": show(r.report)} if r.report else {}),
                }
                for r in self.rejected
            ],
            "register": self.register_note,
        } | ({"fault": self.fault} if self.fault else {})
