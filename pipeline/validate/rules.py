"""Checking a form against the framework, and telling the officer every problem at once.

An officer who fixes one problem only to be told about the next one stops trusting the
pipeline, so :func:`validate` collects everything wrong with a form in one pass: missing
fields and sections, values that cannot be read, and the framework's rules. Each problem
names the label as the framework writes it, where it is on the form, what is wrong and how
to put it right, in plain words.

Every message comes from :data:`pipeline.validate.messages.MESSAGES`, the single source for both the
code and the officers' guide (``docs/messages.md``). Rules are generic by kind; their parameters name the fields, so another council's framework
file is checked by the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pipeline.dates import add_months, format_date, parse_date
from pipeline.framework import Area, Field, FormType, Framework, Rule
from pipeline.labels import normalise
from pipeline.records import Figure, FormRecord, Row
from pipeline.validate.interpret import (
    Interpreted,
    choice_label,
    find_area,
    interpret,
    match_choice,
    parse_number,
    parse_reference,
    parse_version,
    parse_yes_no,
    sign_off_ok,
    version_key,
)
from pipeline.validate.messages import (
    DEFAULT_RULE_MESSAGES,
    MESSAGES,
    Message,
    Problem,
    Severity,
    either,
    problem,
    problems_as_json,
    quoted,
    revisions_text,
    where,
)
from pipeline.validate.reading import OverLimit, over_limits

__all__ = [
    "MESSAGES",
    "Context",
    "Interpreted",
    "Message",
    "Problem",
    "Severity",
    "has_errors",
    "problems_as_json",
    "interpret",
    "sign_off_ok",
    "validate",
    "version_key",
]


@dataclass(frozen=True)
class Context:
    """What validation needs beyond the form: today's date and what the register holds."""

    today: date
    registered_version: str | None = None


def has_errors(problems: Sequence[Problem]) -> bool:
    """Whether any problem blocks the form (warnings never do)."""
    return any(p.severity == "error" for p in problems)


def validate(record: FormRecord, framework: Framework, context: Context) -> list[Problem]:
    """Every problem with the form, errors first then warnings, each in the form's order."""
    form = framework.forms.get(record.form_type)
    if form is None:
        forms = either(f.label for f in framework.forms.values())
        return [problem("unknown_form", "", value=record.form_type, forms=forms)]
    return _Checker(record, framework, form, context).run()


class _Checker:
    """One validation run: collects problems with a sort position so order follows the form."""

    def __init__(
        self, record: FormRecord, framework: Framework, form: FormType, context: Context
    ) -> None:
        self.record = record
        self.framework = framework
        self.form = form
        self.context = context
        self.values: Interpreted = interpret(record, framework)
        self.found: list[tuple[tuple[int, int], int, Problem]] = []
        self.position = {f.key: i for i, f in enumerate(form.fields)}

    def say(
        self, place: tuple[int, int], key: str, field: str, location: str = "", **values: Any
    ) -> None:
        """Record a catalogue message; ``place`` is (part of the form, position within it).

        ``{label}`` in a message means the problem's own field unless the caller says otherwise.
        """
        values.setdefault("label", field)
        self.found.append((place, len(self.found), problem(key, field, location, **values)))

    def run(self) -> list[Problem]:
        blank = self.blank()
        if blank:  # one message, not one for every empty field of a form dropped by mistake
            return [problem(blank, "", form=self.form.label)]
        for index, field in enumerate(self.form.fields):
            self.check_field(index, field)
        for index, section in enumerate(self.form.sections):
            content = self.record.section(section.key)
            if not section.required:
                continue
            if content is None:
                self.say((1, index), "section_missing", section.title, help=section.help)
            elif content.is_empty:
                location = content.location or f"heading '{content.heading}'"
                self.say((1, index), "section_empty", section.title, location, help=section.help)
        checks: dict[str, Callable[[Rule], None]] = {
            "date_order": self.date_order,
            "review_cycle": self.review_cycle,
            "sign_off_level": self.sign_off_level,
            "rows_complete": self.rows_complete,
            "rows_present": self.rows_present,
            "version_not_lower": self.version_not_lower,
        }
        for rule in self.framework.rules_for(self.form.key):
            checks[rule.kind](rule)
        headings = [s.title for s in self.form.sections] or [f.label for f in self.form.fields]
        for index, item in enumerate(self.record.unplaced):
            names = either(headings)
            self.say((3, index), "unplaced", "", item.location, value=item.text, names=names)
        for index, item in enumerate(self.record.replaced):
            self.say((4, index), "characters_replaced", item.text, item.location)
        for index, over in over_limits(self.record, self.framework):
            self.say((1, index), "long_sentences", over.section, **self.reading_values(over))
        for index, item in enumerate(self.record.not_carried):
            self.say(
                (6, index), "not_carried", "", item.location, what=item.text, where=item.location
            )
        self.pictures()
        for index, (author, count) in enumerate(self.record.revisions.items()):
            self.say((5, index), "tracked_changes", "", changes=revisions_text(author, count))
        self.found.sort(key=lambda entry: (entry[2].severity != "error", entry[0], entry[1]))
        return [entry[2] for entry in self.found]

    def reading_values(self, over: OverLimit) -> dict[str, Any]:
        limits = self.framework.reading
        said = []
        if limits.max_sentence_words:
            said.append(f"at most {limits.max_sentence_words} words a sentence")
        if limits.max_average_sentence_words:
            said.append(f"{limits.max_average_sentence_words:g} on average")
        return {"limits": " and ".join(said), "longest": over.longest_words, "start": over.longest}

    def blank(self) -> str:
        """``form_blank`` or ``form_title_only`` for a form with (almost) nothing in it, else ""."""
        record = self.record
        filled = {key for key in record.fields if record.value(key)}
        if any(not section.is_empty for section in record.sections):
            return ""
        if any(
            text.strip() for row in record.rows for key, text in row.cells.items() if key != "area"
        ):
            return ""  # the area names are printed on the blank plan
        if not filled:
            return "form_blank"
        return "form_title_only" if filled == {self.form.title_field} else ""

    def pictures(self) -> None:
        """A picture without alt text: a warning, or an error if the framework says so."""
        error = self.framework.publication.picture_without_alt_text == "error"
        for index, section in enumerate(self.form.sections):
            content = self.record.section(section.key)
            for block in content.blocks if content else ():
                if isinstance(block, Figure) and not block.alt:
                    self.say((1, index), "picture_no_alt", section.title, picture=block.place)
                    if error:
                        place, order, found = self.found[-1]
                        self.found[-1] = (place, order, replace(found, severity="error"))

    # -- fields ---------------------------------------------------------------------------

    def check_field(self, index: int, field: Field) -> None:
        text = self.record.value(field.key)
        location = self.record.location(field.key)
        if not text:
            if field.required:
                help_text = field.help or "it is needed on every form of this kind."
                self.say((0, index), "field_missing", field.label, location, help=help_text)
            elif field.publish_required and field.key not in self.values.derived:
                self.say(
                    (0, index), "field_for_publication", field.label, location, help=field.help
                )
            return
        fw = self.framework
        readers: dict[str, Callable[[], object]] = {
            "date": lambda: parse_date(text),
            "version": lambda: parse_version(text, fw.version_pattern),
            "reference": lambda: parse_reference(text, fw.reference_pattern),
            "choice": lambda: match_choice(self.framework, field, text),
            "yes_no": lambda: parse_yes_no(text),
            "number": lambda: parse_number(text),
        }
        read = readers.get(field.type)
        if read is not None and read() is None:
            choices = either(field.choices)
            self.say(
                (0, index),
                f"bad_{field.type}",
                field.label,
                location,
                value=text,
                choices=choices,
                example=fw.reference_example,
            )

    def label(self, key: str) -> str:
        return self.form.field(key).label

    def at(self, key: str) -> tuple[int, int]:
        return (0, self.position[key])

    def say_at(self, key: str, message: str, **values: Any) -> None:
        """A rule's problem with the field ``key``: placed, labelled and located by that field."""
        self.say(self.at(key), message, self.label(key), self.record.location(key), **values)

    def column_label(self, key: str) -> str:
        return next((c.label for c in self.form.columns if c.key == key), key)

    # -- rules ----------------------------------------------------------------------------

    def base(self, rule: Rule) -> str:
        return rule.message or DEFAULT_RULE_MESSAGES.get(rule.kind, "")

    def date_order(self, rule: Rule) -> None:
        first, then = str(rule.param("earlier")), str(rule.param("later"))
        earlier, later = self.values.dates.get(first), self.values.dates.get(then)
        if earlier is None or later is None or later.end > earlier.start:
            return
        self.say_at(
            then,
            "date_order",
            rule=self.base(rule),
            earlier_label=self.label(first),
            earlier=self.record.value(first),
            later_label=self.label(then),
            later=self.record.value(then),
        )

    def review_cycle(self, rule: Rule) -> None:
        """Next review within the cycle of the last (or fallback) date; overdue is a warning."""
        end_key, start_key = str(rule.param("end")), str(rule.param("start"))
        fallback = rule.params.get("fallback_start")
        if not self.record.value(start_key) and fallback:
            start_key = str(fallback)
        end, start = self.values.dates.get(end_key), self.values.dates.get(start_key)
        if end is None:
            return
        months = int(rule.params.get("cycle_months", self.framework.review_cycle_months))
        names = {"start_label": self.label(start_key), "end_label": self.label(end_key)}
        written_end = self.record.value(end_key)
        if start is not None and end.start > add_months(start.end, months):
            deadline = format_date(add_months(start.end, months))
            start_text = self.record.value(start_key)
            self.say_at(
                end_key,
                "review_cycle",
                rule=self.base(rule),
                months=months,
                start=start_text,
                deadline=deadline,
                end=written_end,
                **names,
            )
        if end.end < self.context.today:
            self.say_at(end_key, "review_overdue", end=written_end, **names)

    def sign_off_level(self, rule: Rule) -> None:
        change_key, sign_key = str(rule.param("change_type")), str(rule.param("sign_off"))
        change, given = self.values.choices.get(change_key), self.values.choices.get(sign_key)
        if change is None or given is None or sign_off_ok(self.framework, change, given):
            return
        change_type = self.framework.change_type(change)
        self.say_at(
            sign_key,
            "sign_off_low",
            article="An" if change_type.label[:1].lower() in "aeiou" else "A",
            change=change_type.label,
            minimum=self.framework.sign_off_level(change_type.minimum_sign_off).label,
            given=choice_label(self.framework, self.form.field(sign_key), given),
            change_label=self.label(change_key),
        )

    def version_not_lower(self, rule: Rule) -> None:
        key = str(rule.param("field"))
        registered = self.context.registered_version
        version = parse_version(self.record.value(key), self.framework.version_pattern)
        if not registered or version is None:
            return
        try:  # compared as numbers; a framework's own version style may not be numbers
            lower = version_key(version) < version_key(registered)
        except ValueError:
            return
        if lower:
            self.say_at(
                key,
                "version_lower",
                rule=self.base(rule),
                value=self.record.value(key),
                registered=registered,
            )

    def rows_present(self, rule: Rule) -> None:
        columns = [str(c) for c in rule.param("columns")]
        if any(all(row.get(c).strip() for c in columns) for row in self.record.rows):
            return
        labels = [self.column_label(c) for c in columns]
        self.say((2, 0), "rows_missing", labels[0], rule=self.base(rule), columns=quoted(labels))

    def rows_complete(self, rule: Rule) -> None:
        """Every area covered; every row with its columns filled or a reasoned "Not applicable".

        The area column is the form's column the rule does not ask to be filled, so the rule
        names no column itself. A row with a blank area continues the area above it, as a
        merged cell in Word does.
        """
        columns = [str(c) for c in rule.param("columns")]
        phrases = [normalise(str(p)) for p in rule.params.get("not_applicable", ["not applicable"])]
        area_key = next((c.key for c in self.form.columns if c.key not in columns), "area")
        area_label, base, areas = self.column_label(area_key), self.base(rule), self.form.areas
        area_names = either(a.title for a in areas)
        rows = [r for r in self.record.rows if any(v.strip() for v in r.cells.values())]
        if areas and not rows:
            self.say((2, 0), "plan_empty", area_label, areas=area_names, rule=base)
            return
        seen: set[str] = set()
        current: Area | None = None
        for index, row in enumerate(rows):
            written = row.get(area_key).strip()
            if written:
                current = find_area(written, areas)
                if current is None and areas:
                    self.say(
                        (2, index),
                        "area_unknown",
                        area_label,
                        row.location,
                        value=written,
                        areas=area_names,
                    )
            name = current.title if current else written
            if current:
                seen.add(current.key)
            location = where(f"area '{name}'" if name else "", row.location)
            self.check_row((2, index), row, columns, phrases, base, name, location)
        for index, area in enumerate(areas):
            if area.key not in seen:
                self.say(
                    (2, len(rows) + index), "area_missing", area.title, area=area.title, rule=base
                )

    def check_row(
        self,
        place: tuple[int, int],
        row: Row,
        columns: list[str],
        phrases: list[str],
        base: str,
        name: str,
        location: str,
    ) -> None:
        first = row.get(columns[0]).strip()
        said = normalise(first)
        for phrase in phrases:
            if said == phrase or said.startswith(phrase + " "):
                if not said[len(phrase) :].strip():
                    label = self.column_label(columns[0])
                    self.say(place, "row_no_reason", label, location, area=name, value=first)
                return
        missing = [self.column_label(c) for c in columns if not row.get(c).strip()]
        if missing:
            others = quoted(missing, "or")
            self.say(
                place, "row_incomplete", missing[0], location, area=name, missing=others, rule=base
            )
