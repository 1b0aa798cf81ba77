"""Reading a form's values into the typed values the later stages use.

Validation and interpretation share these readers on purpose: a value the validator accepts
is exactly a value the register and the publication gate can use, and a value it rejects is
one they would have had to guess at. Nothing here names a council's field; the framework's
field types decide how each value is read. The questions both ask of the framework (is a
sign-off high enough for a change type; which area a plan row names) are answered here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from pipeline.dates import DateRange, parse_date
from pipeline.framework import DEFAULT_VERSION_PATTERN, Area, Field, Framework, Level
from pipeline.labels import best_match, normalise
from pipeline.records import FormRecord

_VERSION = re.compile(DEFAULT_VERSION_PATTERN)
_VERSION_WORD = re.compile(r"^v(?:ersion)?\.?\s*", re.IGNORECASE)
# Never part of a reference or a version, whatever a framework's pattern allows: both name
# folders, and these would step out of them.
_PATH_LIKE = re.compile(r"[/\\\x00]|\.\.")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})


@dataclass(frozen=True)
class Interpreted:
    """Typed values for the later stages (register, publication gate)."""

    dates: dict[str, DateRange]
    choices: dict[str, str]
    yes_no: dict[str, bool]
    version: str | None
    reference: str | None = None
    # Values the form left blank that follow from it without guessing, with the reason, for
    # the register ("no reference and version 1: a new policy").
    derived: dict[str, str] = dataclass_field(default_factory=dict)


def parse_version(text: str, pattern: re.Pattern[str] | None = None) -> str | None:
    """ "1.4", "v1.4" or "Version 2" -> the version ("1.4", "2"); ``None`` otherwise.

    ``pattern`` is the framework's ``version_pattern`` (by default digits and dots); the
    whole version must fit it. A leading "v" or "Version" is forgiven because officers copy
    it from document footers. Path characters are never accepted: a version names a folder.
    """
    cleaned = text.strip()
    for candidate in (cleaned, _VERSION_WORD.sub("", cleaned, count=1)):
        if candidate and (pattern or _VERSION).fullmatch(candidate):
            return None if _PATH_LIKE.search(candidate) else candidate
    return None


def parse_reference(text: str, pattern: re.Pattern[str]) -> str | None:
    """A policy reference in its canonical form ("asc-pol-014 " -> "ASC-POL-014"), or ``None``.

    ``pattern`` is the framework's ``reference_pattern``; the whole reference must fit it.
    Spaces around it and small letters are forgiven (the canonical form is the one in
    capitals) because neither can mean a different policy. Path characters never are: a
    reference names the policy's folder in the outbox.
    """
    cleaned = text.strip()
    if _PATH_LIKE.search(cleaned):
        return None
    return next((c for c in (cleaned, cleaned.upper()) if pattern.fullmatch(c)), None)


def version_key(text: str) -> tuple[int, ...]:
    """A version as numbers for comparing: "1.4" -> (1, 4); "2" -> (2,).

    Trailing zeros are dropped ("2.0" -> (2,)) so that 2.0 is not counted as higher than 2
    when deciding whether a version has been lowered. Raises ``ValueError`` for text that is
    not a version.
    """
    version = parse_version(text)
    if version is None:
        raise ValueError(f"{text!r} is not a version number")
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def parse_yes_no(text: str) -> bool | None:
    """Yes/No as officers write it (yes, y, true / no, n, false, any case); ``None`` otherwise."""
    key = normalise(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def parse_number(text: str) -> float | None:
    """A number written in figures ("12", "1,200", "3.5"); ``None`` otherwise."""
    cleaned = text.strip()
    if not _NUMBER.match(cleaned):
        return None
    return float(cleaned.replace(",", ""))


def level_list(framework: Framework, field: Field) -> tuple[Level, ...] | None:
    """The framework levels a choice field draws on, if it draws on one.

    The framework gives such a field the labels of its sign-off levels or change types as
    choices. Recognising those lists lets an officer write any alias ("OSLT", "Major") and
    lets the later stages receive the level's key rather than its wording.
    """
    for levels in (framework.sign_off_levels, framework.change_types):
        if field.choices == tuple(level.label for level in levels):
            return levels
    return None


def match_choice(framework: Framework, field: Field, text: str) -> str | None:
    """The framework key (for level lists) or canonical label a choice value stands for."""
    levels = level_list(framework, field)
    if levels is not None:
        return best_match(text, ((level.key, level.names) for level in levels))
    return best_match(text, ((choice, (choice,)) for choice in field.choices))


def choice_label(framework: Framework, field: Field, key: str) -> str:
    """The label to show for a value returned by :func:`match_choice`."""
    levels = level_list(framework, field)
    if levels is not None:
        return next((level.label for level in levels if level.key == key), key)
    return key


def interpret(record: FormRecord, framework: Framework) -> Interpreted:
    """The typed value of every field that reads cleanly; unreadable values are left out.

    Leaving a value out (rather than guessing) is safe because :func:`pipeline.validate.rules.validate`
    reports the same value as a problem.
    """
    dates: dict[str, DateRange] = {}
    choices: dict[str, str] = {}
    yes_no: dict[str, bool] = {}
    version: str | None = None
    reference: str | None = None
    form = framework.forms.get(record.form_type)
    if form is None:
        return Interpreted(dates, choices, yes_no, version)
    for field in form.fields:
        text = record.value(field.key)
        if not text:
            continue
        if field.type == "date":
            parsed = parse_date(text)
            if parsed is not None:
                dates[field.key] = parsed
        elif field.type == "choice":
            choice = match_choice(framework, field, text)
            if choice is not None:
                choices[field.key] = choice
        elif field.type == "yes_no":
            answer = parse_yes_no(text)
            if answer is not None:
                yes_no[field.key] = answer
        elif field.type == "version" and version is None:
            version = parse_version(text, framework.version_pattern)
        elif field.type == "reference" and reference is None:
            reference = parse_reference(text, framework.reference_pattern)
    derived = _derived(record, framework, version)
    choices.update({key: value for key, (value, _) in derived.items()})
    return Interpreted(
        dates, choices, yes_no, version, reference, {k: why for k, (_, why) in derived.items()}
    )


NEW_POLICY_REASON = "no reference and version 1: a new policy"


def _derived(
    record: FormRecord, framework: Framework, version: str | None
) -> dict[str, tuple[str, str]]:
    """A blank change type on a form with no reference at version 1: the framework's
    change type for a new policy (``[publication] new_policy_change_type``), and why."""
    new = framework.publication.new_policy_change_type
    form = framework.forms[record.form_type]
    if not new or version is None or version_key(version) != (1,):
        return {}
    if any(f.type == "reference" and record.value(f.key) for f in form.fields):
        return {}
    return {
        f.key: (new, NEW_POLICY_REASON)
        for f in form.fields
        if f.type == "choice"
        and level_list(framework, f) == framework.change_types
        and not record.value(f.key)
    }


def find_area(written: str, areas: Sequence[Area]) -> Area | None:
    """The area a row's first cell names, tolerating the template's prompts written after it."""
    options = [(a, (a.title, a.key)) for a in areas]
    found = best_match(written, options) or best_match(written.splitlines()[0], options)
    if found is not None:
        return found
    said = normalise(written)
    return next((a for a in areas if said.startswith(normalise(a.title) + " ")), None)


def sign_off_ok(framework: Framework, change_type_key: str, sign_off_key: str) -> bool:
    """Whether a sign-off level is high enough for a change type (4.2.3, 4.5)."""
    try:
        needed = framework.sign_off_level(framework.change_type(change_type_key).minimum_sign_off)
        given = framework.sign_off_level(sign_off_key)
    except StopIteration:
        raise KeyError(
            f"unknown change type {change_type_key!r} or sign-off {sign_off_key!r}"
        ) from None
    return given.rank >= needed.rank
