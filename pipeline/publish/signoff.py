"""Sign-off typed into register.xlsx by managers: taken into the journal, the gate reopened.

A policy held as a DRAFT because its form left out the change type or the sign-off level
moves on when a manager types them into its register row (docs/managers.md): the value is
matched as the form's would be (the framework's labels and aliases, :func:`labels.best_match`),
recorded for the policy with an event saying it came from register.xlsx and who saved it,
and the publication gate is recomputed (:meth:`Outbox.gate_updates`), which publishes the
policy if nothing else is missing.

What it refuses: to overwrite a value the journal already holds (a form's, or one taken from
the register before): what was typed over it is named in the cell's note and the cell is
written back as the journal says; to guess at a value that matches nothing: it stays in the
cell, with a note saying what to write; to read a row the file shows older than the journal
(a form for that policy arrived after the register was last written): the text is kept, not
taken. Each outcome is kept in the policy's ``register_typed`` so the register shows it
however often it is rewritten (:func:`pipeline.register.cells.typed_in`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.framework import Framework, Level
from pipeline.journal.store import Event, Journal
from pipeline.labels import best_match
from pipeline.publish.outbox import Outbox
from pipeline.register.cells import ref_key
from pipeline.register.typed import Typed, UnreadableRegister, edited, read_typed

log = logging.getLogger(__name__)

OUTCOME = "register"  # the History sheet's outcome for a value taken from the register


@dataclass(frozen=True)
class TypedField:
    """A register column managers may fill, and where the journal keeps its value."""

    column: str  # the register column's key: the journal's label for it
    key: str  # the journal's key for the framework key
    noun: str
    levels: Callable[[Framework], tuple[Level, ...]]


FIELDS = (
    TypedField("change_type", "change_type_key", "change type", lambda fw: fw.change_types),
    TypedField("sign_off_level", "sign_off_key", "sign-off level", lambda fw: fw.sign_off_levels),
)


@dataclass(frozen=True)
class Decision:
    """What one policy row's typed cells change: the journal values, and what was taken."""

    values: dict[str, Any]
    taken: list[str]  # "change type Major", for the event


def decide(
    row: dict[str, Any], cells: dict[str, str], framework: Framework, typed: Typed, *, stale: bool
) -> Decision | None:
    """What ``cells`` (a policy row's typed text) change in its journal ``row``; None: nothing."""
    entries: dict[str, dict[str, str]] = dict(row.get("register_typed") or {})
    values: dict[str, Any] = {}
    taken: list[str] = []
    for f in FIELDS:
        text = cells.get(f.column, "")
        entry = entries.get(f.column)
        key = str(row.get(f.key) or "")
        levels = f.levels(framework)
        found = best_match(text, ((level.key, level.names) for level in levels)) if text else None
        # what the pipeline itself writes in the cell ("New policy (worked out: ...)", or a
        # form's own words) is not typing
        ours = bool(text) and text == " ".join(str(row.get(f.column) or "").split())
        if key:  # the journal has it: never overwritten from the register
            if text and not ours and found != key and (entry or {}).get("typed") != text:
                entries[f.column] = _over(f, row, entry, text, key, typed.file)
            elif entry and entry.get("over") and (not text or ours or found == key):
                _settled(entries, f.column, entry)  # the cell shows the journal's value again
            continue
        if not text:
            entries.pop(f.column, None)  # a manager cleared what was not taken
            continue
        if ours and entry is None:
            continue
        if entry is not None and entry.get("typed") == text:
            continue  # already noted
        if stale:
            note = (
                f'"{text}" was not taken: a form for this policy arrived after {typed.file} was '
                "last updated, so this row was older than the policy. If it still applies, "
                "type it again."
            )
            entries[f.column] = {"typed": text, "key": "", "note": note}
        elif found is None:
            labels = ", ".join(level.label for level in levels)
            note = (
                f'"{text}" is not a {f.noun} the framework knows, so the policy still waits '
                f"for one. Write one of: {labels}."
            )
            entries[f.column] = {"typed": text, "key": "", "note": note}
        else:
            label = next(level.label for level in levels if level.key == found)
            values[f.key] = found
            values[f.column] = label
            said = f'Taken from {typed.file}{typed.by()}, typed as "{text}".'
            entries[f.column] = {"typed": text, "key": found, "note": said, "taken": said}
            taken.append(f"{f.noun} {label}")
    if entries == (row.get("register_typed") or {}) and not values:
        return None
    return Decision({**values, "register_typed": entries}, taken)


def _settled(entries: dict[str, dict[str, str]], column: str, entry: dict[str, str]) -> None:
    """Drop the note on a value typed over once the cell agrees with the journal again,
    keeping the note on where the value came from if it was taken from the register."""
    taken = entry.get("taken", "")
    if taken:
        entries[column] = {"typed": "", "key": entry.get("key", ""), "note": taken, "taken": taken}
    else:
        entries.pop(column, None)


def _over(
    f: TypedField, row: dict[str, Any], entry: dict[str, str] | None, text: str, key: str, file: str
) -> dict[str, str]:
    """The note for a value typed over one the journal holds: left as it was."""
    earlier = (entry or {}).get("taken", "")
    source = f"as taken from {file} earlier" if earlier else "as the form says"
    shown = str(row.get(f.column) or key)
    note = (
        f'Left {source}: "{shown}". "{text}" was typed here but not taken: the register '
        f"only supplies a {f.noun} the form left out. To change it, change the form and put "
        "it back."
    )
    return {"typed": text, "key": key, "note": note, "over": "yes", "taken": earlier}


def take_typed(
    journal: Journal, framework: Framework, outbox: Outbox, typed: Typed, shown: int
) -> list[str]:
    """Record what managers typed in ``typed`` for every policy, each in one transaction
    with its recomputed gate; the references whose journal entry changed.

    ``shown`` is the generation the register file showed when the pipeline last wrote it:
    the row of a policy changed since is older than the journal, and never taken from.
    Each row is decided again inside its transaction, so a watcher and a `pipeline run`
    reading the same file record it once.
    """
    done: list[str] = []
    stale = journal.changed_since(shown)
    for listed in journal.policies():
        ref = str(listed["ref"])
        cells = typed.cells.get(ref_key(ref))
        if cells is None or not listed.get("policy_received"):
            continue
        if decide(listed, cells, framework, typed, stale=ref in stale) is None:
            continue  # the usual case: nothing typed, or already recorded
        with journal.transaction():
            row = journal.policy(ref) or listed
            older = ref in journal.changed_since(shown)
            decision = decide(row, cells, framework, typed, stale=older)
            if decision is None:
                continue
            journal.upsert_policy(ref, decision.values)
            journal.upsert_policy(ref, outbox.gate_updates(journal, ref))
            if decision.taken:
                journal.add_event(
                    Event(
                        when=datetime.now(),
                        file=typed.file,
                        form_type="policy",
                        policy_ref=ref,
                        who=typed.who,
                        outcome=OUTCOME,
                        detail=f"{' and '.join(decision.taken)} taken from {typed.file}{typed.by()}",
                    )
                )
        done.append(ref)
    return done


def take_from_register(journal: Journal, outbox: Outbox, path: Path) -> str:
    """Take what managers typed into ``path`` since the pipeline last wrote it, before a
    batch or `pipeline register sync` writes it again (which would otherwise write over
    it); a sentence on what was taken, or why the register could not be read (whoever
    called goes on either way), or "" when there was nothing to read."""
    written, shown = journal.register_shown()
    try:
        data = edited(path, written)
        if data is None:
            return ""
        found = read_typed(data, path.name)
    except UnreadableRegister as exc:
        log.warning("%s", exc)
        return str(exc)
    refs = take_typed(journal, outbox.framework, outbox, found, shown)
    if not refs:
        return ""
    outbox.write_manifest(journal)  # a policy published from the register is listed
    s = "y" if len(refs) == 1 else "ies"
    return f"sign-off typed in {path.name} read for {len(refs)} polic{s}"
