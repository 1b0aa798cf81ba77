"""The publication gate: when the framework lets a policy be published.

A policy is published only when its sign-off is recorded at the level its change type
needs (4.5), an implementation plan naming a business owner exists (4.6.1), and, where
public consultation was required, the council's response exists (4.4.6). Until then its
documents are produced stamped DRAFT and the register says what is missing. The gate is
computed from the register row, so a piece that arrives later opens it without anyone
resubmitting the policy.

What the policy form itself holds back (a field publication needs but the form left blank,
tracked changes nobody has accepted) arrives in the row's ``held_back`` list, written by
:mod:`pipeline.publish.prepare`, and is listed here in the same words.
"""

from __future__ import annotations

from typing import Any

from pipeline.framework import Framework
from pipeline.validate.rules import sign_off_ok


def missing_for_publication(row: dict[str, Any], framework: Framework) -> list[str]:
    """What still stands between this policy and publication, in words for the register."""
    rules = framework.publication
    missing: list[str] = []
    if not row.get("policy_received"):
        missing.append("the policy itself")
    if rules.require_sign_off:
        change = str(row.get("change_type_key") or "")
        level = str(row.get("sign_off_key") or "")
        if not change:
            missing.append("the change type")
            if not level:
                missing.append("sign-off")
        elif not level or not sign_off_ok(framework, change, level):
            needed = framework.sign_off_level(framework.change_type(change).minimum_sign_off).label
            missing.append(f"sign-off by {needed} or higher")
    missing.extend(str(held) for held in row.get("held_back") or ())
    if rules.require_implementation_plan and not row.get("plan_business_owner"):
        missing.append("an implementation plan with a named business owner")
    if (
        rules.require_consultation_response_when
        and row.get("consultation_required")
        and not row.get("consultation_response")
    ):
        missing.append("the published consultation response")
    return missing


def status_for(row: dict[str, Any], missing: list[str]) -> str:
    """The register's status for a policy row."""
    if not row.get("policy_received"):
        return "requested"
    if not missing:
        return "published"
    if row.get("consultation_required") and not row.get("consultation_response"):
        return "in consultation"
    if any(m.startswith("sign-off") or m == "the change type" for m in missing):
        return "awaiting sign-off"
    if row.get("held_back"):
        return "draft"  # the policy's own form is not finished (tracked changes, a field)
    return "approved"
