"""The journal: exactly-once bookkeeping, references, policy rows, events, sync generations."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.journal.store import SCHEMA_VERSION, Event, Journal, Written, dumps, loads
from pipeline.journal.versions import save_version, versions_of
from pipeline.titles import title_key


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / ".pipeline" / "journal.sqlite") as j:
        yield j


def _event(ref: str = "ASC-POL-001", minutes: int = 0, outcome: str = "accepted") -> Event:
    return Event(
        when=datetime(2026, 5, 1, 9, 0) + timedelta(minutes=minutes),
        file="request.docx",
        form_type="Policy request",
        policy_ref=ref,
        who="Sarah Mackereth",
        outcome=outcome,
        detail="created",
    )


def test_schema_is_versioned_and_uses_wal(journal: Journal) -> None:
    conn = sqlite3.connect(journal.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_reopening_keeps_data_and_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as j:
        j.upsert_policy("ASC-POL-001", {"title": "Carers"})
    with Journal(path) as j:
        assert j.policy("ASC-POL-001") is not None
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(PipelineError, match="newer version"):
        Journal(path)


def test_file_outcomes_round_trip(journal: Journal) -> None:
    assert journal.file_outcome("abc") is None
    journal.record_file(
        "abc", "form.docx", "rejected", {"reason": "encrypted", "on": date(2026, 1, 2)}
    )
    seen = journal.file_outcome("abc")
    assert seen is not None
    assert (seen.name, seen.outcome) == ("form.docx", "rejected")
    assert seen.detail == {"reason": "encrypted", "on": date(2026, 1, 2)}
    assert isinstance(seen.processed_at, datetime)
    journal.record_file("abc", "form (2).docx", "accepted", {})
    assert journal.file_outcome("abc").outcome == "accepted"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        journal.record_file("def", "x", "maybe", {})
    assert not journal.register_pending()  # files alone don't change the register


def test_next_reference_counts_up_and_respects_existing(journal: Journal) -> None:
    assert journal.next_reference("ASC-POL", 3) == "ASC-POL-001"
    assert journal.next_reference("ASC-POL-", 3) == "ASC-POL-002"
    assert journal.next_reference("ASC-PRO", 4) == "ASC-PRO-0001"
    journal.upsert_policy("ASC-POL-013", {"title": "Imported"})
    assert journal.next_reference("ASC-POL", 3) == "ASC-POL-014"


def _issue(path: str, count: int, queue: multiprocessing.Queue[list[str]]) -> None:
    with Journal(Path(path)) as j:
        queue.put([j.next_reference("ASC-POL", 3) for _ in range(count)])


def test_next_reference_is_unique_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    Journal(path).close()
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[str]] = ctx.Queue()
    procs = [ctx.Process(target=_issue, args=(str(path), 50, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    refs = queue.get(timeout=120) + queue.get(timeout=120)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(refs) == 100
    assert len(set(refs)) == 100
    assert sorted(refs) == [f"ASC-POL-{n:03d}" for n in range(1, 101)]


def test_find_reference_ignores_case_spacing_and_punctuation(journal: Journal) -> None:
    journal.upsert_policy("ASC-POL-001", {"title": "Carers' Assessment  Policy"})
    assert journal.find_reference("carers assessment policy") == "ASC-POL-001"
    assert journal.find_reference("  CARERS’ ASSESSMENT - POLICY. ") == "ASC-POL-001"
    assert journal.find_reference("Carers policy") is None
    assert journal.find_reference("3. Carers Assessment Policy") == "ASC-POL-001"
    assert journal.find_reference("Carer Assessment Policy") is None  # plural is not folded
    assert title_key("Safeguarding/Adults") == "safeguarding adults"


def test_upsert_merges_and_dates_round_trip(journal: Journal) -> None:
    journal.upsert_policy("ASC-POL-001", {"title": "Carers", "next_review": date(2027, 10, 1)})
    journal.upsert_policy(
        "ASC-POL-001", {"status": "draft", "next_review_text": "Quarter 3 2027/28", "ref": "x"}
    )
    row = journal.policy("ASC-POL-001")
    assert row is not None
    assert row["ref"] == "ASC-POL-001"
    assert row["title"] == "Carers"
    assert row["status"] == "draft"
    assert row["next_review"] == date(2027, 10, 1)
    assert type(row["next_review"]) is date
    assert isinstance(row["updated"], datetime)
    assert journal.policy("ASC-POL-404") is None
    journal.upsert_policy("ASC-POL-000", {"title": "Zero"})
    assert [p["ref"] for p in journal.policies()] == ["ASC-POL-000", "ASC-POL-001"]


def test_json_codec_tags_dates() -> None:
    value = {"d": date(2024, 9, 1), "t": datetime(2024, 9, 1, 8, 30, tzinfo=UTC)}
    assert loads(dumps(value)) == value
    assert '"$date"' in dumps(value)


def test_events_in_time_order_and_by_policy(journal: Journal) -> None:
    journal.add_event(_event("ASC-POL-002", minutes=10))
    journal.add_event(_event("ASC-POL-001", minutes=0))
    journal.add_event(_event("ASC-POL-001", minutes=5, outcome="rejected"))
    assert [e.policy_ref for e in journal.events()] == ["ASC-POL-001", "ASC-POL-001", "ASC-POL-002"]
    mine = journal.events("ASC-POL-001")
    assert [e.outcome for e in mine] == ["accepted", "rejected"]
    assert mine[0] == _event("ASC-POL-001", minutes=0)


def test_generation_and_pending(journal: Journal) -> None:
    assert not journal.register_pending()
    journal.upsert_policy("ASC-POL-001", {"title": "Carers"})
    assert journal.register_pending()
    seen = journal.generation()
    journal.add_event(_event())  # arrives while a sync is writing the register
    journal.mark_register_synced(seen)
    assert journal.register_pending()  # the racing change is not lost
    journal.mark_register_synced(journal.generation())
    assert not journal.register_pending()
    journal.mark_register_synced(seen)  # a slow, older sync cannot move the mark backwards
    assert not journal.register_pending()


def test_snapshot_says_when_each_policy_changed_and_what_the_register_last_wrote(
    journal: Journal,
) -> None:
    journal.upsert_policy("ASC-POL-001", {"title": "Carers"})
    journal.upsert_policy("ASC-POL-002", {"title": "Respite"})
    first = journal.snapshot()
    assert first.written is None
    journal.mark_register_synced(
        first.generation, written=Written(first.generation, "ab12", date(2026, 11, 23), "1:/x")
    )
    journal.upsert_policy("ASC-POL-001", {"status": "approved"})
    snap = journal.snapshot()
    assert snap.changed["ASC-POL-002"] <= first.generation < snap.changed["ASC-POL-001"]
    assert snap.written == Written(first.generation, "ab12", date(2026, 11, 23), "1:/x")
    journal.mark_register_synced(snap.generation)  # written by a sync that cannot say how
    assert journal.snapshot().written is None


def test_transaction_rolls_back_everything(journal: Journal) -> None:
    journal.upsert_policy("ASC-POL-001", {"title": "Carers"})
    before = journal.generation()
    with pytest.raises(RuntimeError), journal.transaction():
        journal.upsert_policy("ASC-POL-001", {"status": "approved"})
        journal.upsert_policy("ASC-POL-002", {"title": "New"})
        journal.add_event(_event("ASC-POL-002"))
        journal.record_file("sha", "form.docx", "accepted", {})
        raise RuntimeError("crash in the middle")
    assert "status" not in (journal.policy("ASC-POL-001") or {})
    assert journal.policy("ASC-POL-002") is None
    assert journal.events() == []
    assert journal.file_outcome("sha") is None
    assert journal.generation() == before


def test_transaction_commits_together_and_nested_savepoint(journal: Journal) -> None:
    with journal.transaction():
        journal.upsert_policy("ASC-POL-001", {"title": "Carers"})
        with pytest.raises(KeyError), journal.transaction():
            journal.add_event(_event())
            raise KeyError("inner step failed")
        journal.record_file("sha", "form.docx", "accepted", {})
    assert journal.policy("ASC-POL-001") is not None
    assert journal.events() == []  # only the inner step was undone
    assert journal.file_outcome("sha") is not None


def test_crash_in_another_process_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    Journal(path).close()
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_crash_mid_transaction, args=(str(path),))
    proc.start()
    proc.join(timeout=60)
    assert proc.exitcode == 7
    with Journal(path) as j:
        assert j.policies() == []
        assert j.file_outcome("sha") is None
        assert j.next_reference("ASC-POL", 3) == "ASC-POL-001"


def _crash_mid_transaction(path: str) -> None:
    j = Journal(Path(path))
    with j.transaction():
        ref = j.next_reference("ASC-POL", 3)
        j.upsert_policy(ref, {"title": "Half done"})
        j.record_file("sha", "form.docx", "accepted", {})
        os._exit(7)  # the process dies: no rollback, no commit


def test_a_new_title_keeps_the_reference_it_was_first_given(journal: Journal) -> None:
    first = journal.reference_for("Carers Policy", "ASC-POL", 3)
    # processing was cut short before the policy was recorded: asked again, same answer
    assert journal.reference_for("carers  policy.", "ASC-POL", 3) == first
    assert journal.reference_for("Another Policy", "ASC-POL", 3) != first
    journal.upsert_policy(first, {"title": "Carers Policy"})
    assert journal.reference_for("Carers Policy", "ASC-POL", 3) == first
    assert journal.next_reference("ASC-POL", 3) not in {first, "ASC-POL-002"}


def test_a_journal_from_the_previous_schema_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = Journal(path)
    old.upsert_policy("ASC-POL-001", {"title": "Kept Policy"})
    with old.transaction():
        old._conn.execute("DROP TABLE reserved_refs")
        old._conn.execute("PRAGMA user_version = 1")
    old.close()
    journal = Journal(path)
    try:
        assert journal.reference_for("Kept Policy", "ASC-POL", 3) == "ASC-POL-001"
        assert journal.reference_for("New Policy", "ASC-POL", 3) == "ASC-POL-002"
    finally:
        journal.close()


def test_a_renamed_policy_no_longer_answers_to_its_reserved_first_title(journal: Journal) -> None:
    first = journal.reference_for("Falls Policy", "ASC-POL", 3)
    journal.upsert_policy(first, {"title": "Falls Policy"})
    journal.upsert_policy(first, {"title": "Falls Prevention Policy"})  # renamed by version 2
    assert journal.reference_for("Falls Prevention Policy", "ASC-POL", 3) == first
    again = journal.reference_for("Falls Policy", "ASC-POL", 3)
    assert again != first
    assert journal.reference_for("falls policy.", "ASC-POL", 3) == again  # reserved anew


def test_a_schema_2_journal_gets_title_keys_by_the_one_rule(tmp_path: Path) -> None:
    """Keys made by the old rule (which kept leading numbers, dropped "&" and kept zero-width
    spaces) are recomputed: from the stored title for policies, from the key for reservations."""
    path = tmp_path / "old.sqlite"
    old = Journal(path)
    old.upsert_policy("ASC-POL-001", {"title": "3. Carers & Families Policy"})
    with old.transaction():
        old._conn.execute("UPDATE policies SET title_key = '3 carers families policy'")
        old._conn.execute(
            "INSERT INTO reserved_refs (title_key, ref, reserved_at) VALUES "
            "('falls\u200b policy', 'ASC-POL-002', '2026-01-01'), "
            "('falls policy', 'ASC-POL-003', '2026-01-02')"
        )
        old._conn.execute("PRAGMA user_version = 2")
    old.close()
    with Journal(path) as journal:
        assert journal.find_reference("Carers and Families Policy") == "ASC-POL-001"
        # both reservations now share a key: the earlier one keeps it
        assert journal.reference_for("Falls Policy", "ASC-POL", 3) == "ASC-POL-002"
        version = journal._conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION


def test_a_schema_3_journal_gains_the_versions_table(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as old:
        old.upsert_policy("ASC-POL-001", {"title": "Falls Policy"})
        with old.transaction():
            old._conn.execute("DROP TABLE versions")
            old._conn.execute("PRAGMA user_version = 3")
    with Journal(path) as journal:
        assert versions_of(journal, "ASC-POL-001") == []
        save_version(journal, "ASC-POL-001", "2", '{"a": 1}')
        save_version(journal, "ASC-POL-001", "3", '{"a": 2}')
        save_version(journal, "ASC-POL-001", "2", '{"a": 3}')  # accepted again: keeps its place
        assert versions_of(journal, "ASC-POL-001") == [("2", '{"a": 3}'), ("3", '{"a": 2}')]
        assert (journal.policy("ASC-POL-001") or {}).get("title") == "Falls Policy"


def test_register_shown_and_the_policies_changed_since(journal: Journal) -> None:
    """What register.xlsx shows (register/typed.py reads it back only when it differs) and
    which policies' rows in it are older than the journal."""
    assert journal.register_shown() == (None, 0)
    journal.upsert_policy("ASC-POL-001", {"title": "Carers Support Policy"})
    journal.upsert_policy("ASC-POL-002", {"title": "Direct Payments Policy"})
    shown = journal.generation()
    journal.mark_register_synced(shown, 0, Written(shown, "ab" * 32, date(2026, 11, 29), "w"))
    assert journal.register_shown() == ("ab" * 32, shown)
    assert journal.changed_since(shown) == set()
    journal.upsert_policy("ASC-POL-002", {"version": 2})
    assert journal.changed_since(shown) == {"ASC-POL-002"}
    assert journal.changed_since(0) == {"ASC-POL-001", "ASC-POL-002"}
