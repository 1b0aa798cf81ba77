"""The policy framework as plain typed objects: what a council's framework file says.

The framework is data, not code: forms, fields, sections, implementation areas and the
rules of the process live in one TOML file (``frameworks/devon.toml`` by default). A council
adapts the pipeline by editing a copy. Rules name fields; code never names a council's field
except through this file.

Only the objects and the vocabulary they use (field types, rule kinds); reading and checking
the TOML file is :mod:`pipeline.framework_load`'s. Imports nothing of the pipeline's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELD_TYPES = frozenset(
    {"text", "longtext", "date", "version", "reference", "choice", "yes_no", "name", "number"}
)
RULE_KINDS = frozenset(
    {
        "date_order",
        "review_cycle",
        "sign_off_level",
        "rows_complete",
        "rows_present",
        "version_not_lower",
    }
)
# What a version looks like when the framework file does not say: "1", "1.4", "2.0.1".
DEFAULT_VERSION_PATTERN = r"[0-9]+(\.[0-9]+)*"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str
    required: bool
    help: str = ""
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    # False for a field about the form rather than the policy (the Contact email): no
    # template is expected to show it, so `templates check` does not ask for it
    published: bool = True
    # Needed before the policy is *published*, not for the form to be *accepted*: a form
    # without it is produced as a DRAFT and the register names it as missing.
    publish_required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every way an officer may write this field's label."""
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    required: bool
    help: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *(a for a in self.aliases if a))


@dataclass(frozen=True)
class Area:
    """One area of the implementation plan (Appendix 4)."""

    key: str
    title: str
    prompts: tuple[str, ...] = ()
    guidance: str = ""


@dataclass(frozen=True)
class Rule:
    kind: str
    form: str
    message: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def param(self, name: str) -> Any:
        return self.params[name]


@dataclass(frozen=True)
class FormType:
    key: str
    label: str
    description: str
    title_field: str
    detect: tuple[str, ...]
    fields: tuple[Field, ...]
    sections: tuple[Section, ...] = ()
    columns: tuple[Column, ...] = ()
    areas: tuple[Area, ...] = ()

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def has_field(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)

    @property
    def publish_fields(self) -> tuple[Field, ...]:
        """The fields publication needs but acceptance does not."""
        return tuple(f for f in self.fields if f.publish_required and not f.required)


@dataclass(frozen=True)
class Level:
    """A sign-off level or a change type: a key, a label and the other ways people write it."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    rank: int = 0
    minimum_sign_off: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, self.key, *self.aliases)


@dataclass(frozen=True)
class Publication:
    require_sign_off: bool = True
    require_implementation_plan: bool = True
    require_consultation_response_when: str = ""
    # The change type a policy with no reference at version 1 is given when its form has
    # none (a new policy, without asking); "" to always ask.
    new_policy_change_type: str = ""
    # "warning" or "error": what a picture without alt text in a policy section is.
    picture_without_alt_text: str = "warning"


@dataclass(frozen=True)
class Reading:
    """Plain-English limits a section is warned against (``[reading]``); 0 means off."""

    max_sentence_words: int = 0
    max_average_sentence_words: float = 0.0


@dataclass(frozen=True)
class Framework:
    name: str
    council: str
    service: str
    version: str
    language: str
    reference_prefix: str
    reference_digits: int
    # Whole-value patterns: a reference or version that does not fit is turned back, since
    # both name folders in the outbox (see pipeline.validate.interpret.parse_reference).
    reference_pattern: re.Pattern[str]
    version_pattern: re.Pattern[str]
    review_cycle_months: int
    due_soon_days: int
    sign_off_levels: tuple[Level, ...]
    change_types: tuple[Level, ...]
    forms: dict[str, FormType]
    rules: tuple[Rule, ...]
    publication: Publication
    source: Path
    reading: Reading = field(default_factory=Reading)

    def form(self, key: str) -> FormType:
        return self.forms[key]

    @property
    def reference_example(self) -> str:
        """A reference as the pipeline issues them, for messages: "ASC-POL-014"."""
        return f"{self.reference_prefix}{14:0{self.reference_digits}d}"

    def rules_for(self, form_key: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.form == form_key)

    def sign_off_level(self, key: str) -> Level:
        return next(level for level in self.sign_off_levels if level.key == key)

    def change_type(self, key: str) -> Level:
        return next(ct for ct in self.change_types if ct.key == key)
