"""The publication gate, table-driven from the framework file itself (no LibreOffice).

The expectations are read from ``devon.toml`` as data (``tomllib``, not the pipeline's own
loader) and from the framework document's rules as the file's comments state them: sign-off
at the level the change type needs (4.5), an implementation plan with a named business
owner (4.6.1), the published consultation response when consultation was required (4.4.6).
"""

from __future__ import annotations

import dataclasses
import itertools
import tomllib
from importlib import resources
from typing import Any

import pytest

from pipeline.framework import Framework, Publication
from pipeline.framework_load import default_framework
from pipeline.publish.gate import missing_for_publication, status_for

FRAMEWORK = default_framework()
DATA = tomllib.loads(
    (resources.files("pipeline") / "frameworks" / "devon.toml").read_text(encoding="utf-8")
)
RANK = {level["key"]: level["rank"] for level in DATA["sign_off_levels"]}
LABEL = {level["key"]: level["label"] for level in DATA["sign_off_levels"]}
NEEDS = {change["key"]: change["minimum_sign_off"] for change in DATA["change_types"]}

PLAN = "an implementation plan with a named business owner"
RESPONSE = "the published consultation response"


def complete_row(**changes: Any) -> dict[str, Any]:
    """A register row with everything publication needs; ``changes`` take pieces away."""
    row: dict[str, Any] = {
        "policy_received": True,
        "change_type_key": "new",
        "sign_off_key": "political",
        "plan_business_owner": "Sarah Mackereth, Principal Social Worker",
        "consultation_required": False,
        "consultation_response": "",
    }
    row.update(changes)
    return row


def test_the_framework_document_as_the_file_states_it() -> None:
    """4.5.1-4.5.3 as written: minor changes need the Policy Manager, the rest a Head of
    Service; the levels rank Policy Manager < Head of Service < Chief Officer < political."""
    assert NEEDS == {
        "new": "head_of_service",
        "major": "head_of_service",
        "minor": "policy_manager",
        "removal": "head_of_service",
    }
    assert sorted(RANK, key=RANK.__getitem__) == [
        "policy_manager",
        "head_of_service",
        "chief_officer",
        "political",
    ]
    assert DATA["publication"] == {
        "require_sign_off": True,
        "require_implementation_plan": True,
        "require_consultation_response_when": "consultation_required",
        "new_policy_change_type": "new",
        "picture_without_alt_text": "warning",
    }


@pytest.mark.parametrize(("change", "level"), list(itertools.product(NEEDS, RANK)), ids="-".join)
def test_every_change_type_at_every_sign_off_level(change: str, level: str) -> None:
    row = complete_row(change_type_key=change, sign_off_key=level)
    missing = missing_for_publication(row, FRAMEWORK)
    if RANK[level] >= RANK[NEEDS[change]]:
        assert missing == []
        assert status_for(row, missing) == "published"
    else:
        assert missing == [f"sign-off by {LABEL[NEEDS[change]]} or higher"]
        assert status_for(row, missing) == "awaiting sign-off"


@pytest.mark.parametrize("change", list(NEEDS))
@pytest.mark.parametrize("absent", [None, ""])
def test_no_sign_off_recorded_names_the_level_needed(change: str, absent: str | None) -> None:
    row = complete_row(change_type_key=change, sign_off_key=absent)
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == [f"sign-off by {LABEL[NEEDS[change]]} or higher"]
    assert status_for(row, missing) == "awaiting sign-off"


def test_no_change_type_means_sign_off_cannot_be_judged() -> None:
    row = complete_row(change_type_key=None)
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == ["the change type"]
    assert status_for(row, missing) == "awaiting sign-off"


def test_appendix_3_gives_neither_change_type_nor_sign_off_and_both_are_named() -> None:
    """The framework's own template has neither row (seed 001's Appendix 3)."""
    row = complete_row(change_type_key="", sign_off_key="")
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == ["the change type", "sign-off"]
    assert status_for(row, missing) == "awaiting sign-off"


def test_what_the_policy_form_held_back_is_named_before_the_plan() -> None:
    row = complete_row(held_back=["4 tracked changes by Jo Adams accepted or rejected"])
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == ["4 tracked changes by Jo Adams accepted or rejected"]
    assert status_for(row, missing) == "draft"


@pytest.mark.parametrize("owner", [None, ""])
def test_a_plan_without_a_named_business_owner_holds_publication(owner: str | None) -> None:
    row = complete_row(plan_business_owner=owner)
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == [PLAN]
    assert status_for(row, missing) == "approved"  # signed off, waiting for its plan


@pytest.mark.parametrize(
    ("required", "response", "missing", "status"),
    [
        (True, "", [RESPONSE], "in consultation"),
        (True, None, [RESPONSE], "in consultation"),
        (True, "ASC-POL-001 response", [], "published"),
        (False, "", [], "published"),
        (None, None, [], "published"),
        (False, "a response nobody needed", [], "published"),
    ],
)
def test_consultation_response_needed_only_when_consultation_was_required(
    required: bool | None, response: str | None, missing: list[str], status: str
) -> None:
    row = complete_row(consultation_required=required, consultation_response=response)
    got = missing_for_publication(row, FRAMEWORK)
    assert got == missing
    assert status_for(row, got) == status


def test_everything_missing_is_listed_in_order_and_consultation_status_wins() -> None:
    row = complete_row(
        sign_off_key="policy_manager",
        plan_business_owner="",
        consultation_required=True,
        consultation_response="",
    )
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == ["sign-off by Head of Service or higher", PLAN, RESPONSE]
    assert status_for(row, missing) == "in consultation"


def test_sign_off_outranks_a_missing_plan_in_the_status() -> None:
    row = complete_row(sign_off_key=None, plan_business_owner=None)
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == ["sign-off by Head of Service or higher", PLAN]
    assert status_for(row, missing) == "awaiting sign-off"


@pytest.mark.parametrize("received", [False, None])
def test_a_policy_not_yet_received_is_requested_whatever_else_there_is(
    received: bool | None,
) -> None:
    """A plan or a consultation response can arrive before the policy it belongs to."""
    row = complete_row(policy_received=received)
    missing = missing_for_publication(row, FRAMEWORK)
    assert missing == ["the policy itself"]
    assert status_for(row, missing) == "requested"
    assert status_for(row, []) == "requested"


def _relaxed(**rules: Any) -> Framework:
    return dataclasses.replace(
        FRAMEWORK, publication=dataclasses.replace(FRAMEWORK.publication, **rules)
    )


def test_a_council_that_does_not_require_sign_off() -> None:
    framework = _relaxed(require_sign_off=False)
    row = complete_row(change_type_key=None, sign_off_key=None)
    assert missing_for_publication(row, framework) == []


def test_a_council_that_does_not_require_a_plan() -> None:
    framework = _relaxed(require_implementation_plan=False)
    assert missing_for_publication(complete_row(plan_business_owner=None), framework) == []


def test_a_council_that_does_not_require_a_consultation_response() -> None:
    framework = _relaxed(require_consultation_response_when="")
    row = complete_row(consultation_required=True, consultation_response="")
    assert missing_for_publication(row, framework) == []


def test_a_council_that_requires_nothing_publishes_on_receipt() -> None:
    framework = dataclasses.replace(
        FRAMEWORK,
        publication=Publication(
            require_sign_off=False,
            require_implementation_plan=False,
            require_consultation_response_when="",
        ),
    )
    row = {"policy_received": True}
    missing = missing_for_publication(row, framework)
    assert missing == []
    assert status_for(row, missing) == "published"
