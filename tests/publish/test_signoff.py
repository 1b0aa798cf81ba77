"""What a manager's typing in the register changes, decided against the real framework file.

No LibreOffice: :func:`decide` is what :func:`take_typed` records; tests/test_run_signoff.py
runs the whole way, to the published PDF.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline.framework_load import default_framework
from pipeline.publish.signoff import decide
from pipeline.register.typed import Typed

FRAMEWORK = default_framework()
TYPED = Typed(who="Jo Manager", saved=datetime(2026, 11, 29, 14, 2))
DRAFT: dict[str, Any] = {"ref": "ASC-POL-001", "policy_received": True}
FROM_FORM = {**DRAFT, "change_type_key": "major", "change_type": "Major change"}


def _cells(change: str = "", sign_off: str = "") -> dict[str, str]:
    return {"change_type": change, "sign_off_level": sign_off}


def test_aliases_are_taken_as_the_framework_reads_them() -> None:
    decision = decide(DRAFT, _cells("Significant change", "CSLT"), FRAMEWORK, TYPED, stale=False)
    assert decision is not None
    values = decision.values
    assert (values["change_type_key"], values["change_type"]) == ("major", "Major change")
    assert (values["sign_off_key"], values["sign_off_level"]) == (
        "head_of_service",
        "Head of Service",
    )
    assert decision.taken == ["change type Major change", "sign-off level Head of Service"]
    note = values["register_typed"]["sign_off_level"]["note"]
    assert (
        note
        == 'Taken from register.xlsx (saved by Jo Manager on 29/11/2026 14:02), typed as "CSLT".'
    )


def test_nothing_typed_changes_nothing() -> None:
    assert decide(DRAFT, _cells(), FRAMEWORK, TYPED, stale=False) is None
    assert decide(FROM_FORM, _cells("Major change"), FRAMEWORK, TYPED, stale=False) is None


def test_a_value_matching_nothing_is_kept_with_what_to_write_and_noted_once() -> None:
    decision = decide(DRAFT, _cells("Big change"), FRAMEWORK, TYPED, stale=False)
    assert decision is not None and not decision.taken
    entry = decision.values["register_typed"]["change_type"]
    assert entry["typed"] == "Big change" and "change_type_key" not in decision.values
    assert "New policy, Major change, Minor change, Removal of policy" in entry["note"]
    noted = {**DRAFT, **decision.values}
    assert decide(noted, _cells("Big change"), FRAMEWORK, TYPED, stale=False) is None
    cleared = decide(noted, _cells(), FRAMEWORK, TYPED, stale=False)
    assert cleared is not None and cleared.values["register_typed"] == {}


def test_a_value_the_journal_holds_is_never_overwritten() -> None:
    decision = decide(FROM_FORM, _cells("Minor"), FRAMEWORK, TYPED, stale=False)
    assert decision is not None and not decision.taken
    assert set(decision.values) == {"register_typed"}
    note = decision.values["register_typed"]["change_type"]["note"]
    assert note.startswith('Left as the form says: "Major change". "Minor" was typed here')
    # the next sync wrote the form's value back: once the cell agrees, the note goes
    over = {**FROM_FORM, **decision.values}
    settled = decide(over, _cells("Major change"), FRAMEWORK, TYPED, stale=False)
    assert settled is not None and settled.values["register_typed"] == {}


def test_a_value_taken_earlier_is_not_replaced_and_keeps_where_it_came_from() -> None:
    first = decide(DRAFT, _cells("Major"), FRAMEWORK, TYPED, stale=False)
    assert first is not None
    taken = {**DRAFT, **first.values}
    second = decide(taken, _cells("Minor"), FRAMEWORK, TYPED, stale=False)
    assert second is not None and "change_type_key" not in second.values
    assert second.values["register_typed"]["change_type"]["note"].startswith(
        'Left as taken from register.xlsx earlier: "Major change".'
    )
    back = decide({**taken, **second.values}, _cells("Major"), FRAMEWORK, TYPED, stale=False)
    assert back is not None
    assert back.values["register_typed"]["change_type"]["note"].startswith("Taken from")


def test_a_row_older_than_its_policy_is_not_taken_from() -> None:
    decision = decide(DRAFT, _cells("Minor change"), FRAMEWORK, TYPED, stale=True)
    assert decision is not None and not decision.taken
    assert "change_type_key" not in decision.values
    entry = decision.values["register_typed"]["change_type"]
    assert entry["typed"] == "Minor change" and "type it again" in entry["note"]


def test_what_the_pipeline_wrote_in_the_cell_is_not_typing() -> None:
    """A derived change type shows its reason in the cell; read back, it is not an edit."""
    derived = {**FROM_FORM, "change_type_key": "new"}
    derived["change_type"] = "New policy (worked out: no reference and version 1: a new policy)"
    shown = _cells(derived["change_type"])
    assert decide(derived, shown, FRAMEWORK, TYPED, stale=False) is None


def test_the_notes_name_the_register_as_the_workspace_names_it() -> None:
    """register.xlsx is configurable (pipeline.toml): a note names the file managers opened."""
    typed = Typed(who="Jo Manager", file="adult-care-register.xlsx")
    decision = decide(DRAFT, _cells("Major change"), FRAMEWORK, typed, stale=False)
    assert decision is not None
    note = decision.values["register_typed"]["change_type"]["note"]
    assert (
        note
        == 'Taken from adult-care-register.xlsx (saved by Jo Manager), typed as "Major change".'
    )
