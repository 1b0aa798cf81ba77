"""Reads a framework file (TOML) into :class:`pipeline.framework.Framework`, checking it whole.

Kept apart from the objects so the many modules that only use a framework do not carry the
loader; every mistake in the file is a :class:`~pipeline.errors.FrameworkError` naming the
file and line. It refuses to guess: an unknown field type, rule kind or cross-reference
stops the load rather than being skipped.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import FrameworkError
from pipeline.framework import (
    DEFAULT_VERSION_PATTERN,
    FIELD_TYPES,
    RULE_KINDS,
    Area,
    Column,
    Field,
    FormType,
    Framework,
    Level,
    Publication,
    Reading,
    Rule,
    Section,
)

DEFAULT_FRAMEWORK = "devon.toml"


def load_framework(path: Path | None = None) -> Framework:
    """Read a framework file; ``None`` means the packaged default (Devon).

    Every mistake in the file is a :class:`FrameworkError` naming the file and, where
    it can be found, the line, so whoever edits the file can put it right.
    """
    if path is None:
        ref = resources.files("pipeline") / "frameworks" / DEFAULT_FRAMEWORK
        text = ref.read_text(encoding="utf-8")
        source = Path(str(ref))
    else:
        source = path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FrameworkError(f"Cannot read the framework file {path}: {exc.strerror}.") from exc
    return _parse(text, source)


@cache
def default_framework() -> Framework:
    """The packaged framework, read once per process."""
    return load_framework(None)


def _parse(text: str, source: Path) -> Framework:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"The framework file {source} is not valid TOML: {exc}.") from exc
    return _Builder(data, text, source).build()


class _Builder:
    """Turns the parsed TOML into objects, checking every cross-reference."""

    def __init__(self, data: dict[str, Any], text: str, source: Path) -> None:
        self.data = data
        self.text = text
        self.source = source

    def fail(self, what: str, near: str = "") -> FrameworkError:
        line = self._line_of(near) if near else None
        where = f"{self.source}, line {line}" if line else str(self.source)
        return FrameworkError(f"The framework file {where}: {what}")

    def _line_of(self, needle: str) -> int | None:
        pattern = re.compile(re.escape(needle))
        for number, line in enumerate(self.text.splitlines(), start=1):
            if pattern.search(line):
                return number
        return None

    def get(
        self, table: dict[str, Any], key: str, kind: type, where: str, default: Any = None
    ) -> Any:
        if key not in table:
            if default is not None:
                return default
            raise self.fail(f"{where} has no `{key}`.", near=where.split()[-1])
        value = table[key]
        if not isinstance(value, kind):
            raise self.fail(
                f"`{key}` in {where} should be {kind.__name__}, not {value!r}.", near=f"{key} ="
            )
        return value

    def build(self) -> Framework:
        meta = self.get(self.data, "framework", dict, "the file")
        review = self.get(self.data, "review", dict, "the file")
        levels = tuple(
            self._level(t, "sign_off_levels") for t in self.data.get("sign_off_levels", [])
        )
        changes = tuple(self._level(t, "change_types") for t in self.data.get("change_types", []))
        if not levels or not changes:
            raise self.fail("it needs [[sign_off_levels]] and [[change_types]].")
        level_keys = {lv.key for lv in levels}
        for ct in changes:
            if ct.minimum_sign_off not in level_keys:
                raise self.fail(
                    f"change type `{ct.key}` needs sign-off `{ct.minimum_sign_off}`, "
                    f"which is not one of the sign_off_levels ({', '.join(sorted(level_keys))}).",
                    near=f'minimum_sign_off = "{ct.minimum_sign_off}"',
                )
        named_choices: dict[str, tuple[str, ...]] = {
            "sign_off_levels": tuple(lv.label for lv in levels),
            "change_types": tuple(ct.label for ct in changes),
        }
        for name, values in self.data.get("choices", {}).items():
            named_choices[name] = tuple(str(v) for v in values)
        forms_table = self.get(self.data, "forms", dict, "the file")
        forms = {key: self._form(key, table, named_choices) for key, table in forms_table.items()}
        rules = tuple(self._rule(t, forms) for t in self.data.get("rules", []))
        pub = self.data.get("publication", {})
        publication = Publication(
            require_sign_off=bool(pub.get("require_sign_off", True)),
            require_implementation_plan=bool(pub.get("require_implementation_plan", True)),
            require_consultation_response_when=str(
                pub.get("require_consultation_response_when", "")
            ),
            new_policy_change_type=str(pub.get("new_policy_change_type", "")),
            picture_without_alt_text=str(pub.get("picture_without_alt_text", "warning")),
        )
        if publication.picture_without_alt_text not in ("warning", "error"):
            raise self.fail(
                '[publication] picture_without_alt_text must be "warning" or "error".',
                near="picture_without_alt_text",
            )
        new = publication.new_policy_change_type
        if new and new not in {ct.key for ct in changes}:
            raise self.fail(
                f"[publication] new_policy_change_type is `{new}`, which is not a change type.",
                near=new,
            )
        cond = publication.require_consultation_response_when
        if cond and "policy" in forms and not forms["policy"].has_field(cond):
            raise self.fail(
                f"[publication] names the field `{cond}`, which the policy form does not have.",
                near=cond,
            )
        prefix = self.get(meta, "reference_prefix", str, "[framework]")
        digits = int(meta.get("reference_digits", 3))
        reference = self._pattern(
            meta, "reference_pattern", f"{re.escape(prefix)}[0-9]{{{digits},}}"
        )
        issued = f"{prefix}{1:0{digits}d}"
        if not reference.fullmatch(issued):
            raise self.fail(
                f"reference_pattern does not fit {issued}, the first reference the pipeline "
                "would issue from reference_prefix and reference_digits.",
                near="reference_pattern",
            )
        return Framework(
            name=self.get(meta, "name", str, "[framework]"),
            council=self.get(meta, "council", str, "[framework]"),
            service=str(meta.get("service", "")),
            version=str(meta.get("version", "")),
            language=str(meta.get("language", "en-GB")),
            reference_prefix=prefix,
            reference_digits=digits,
            reference_pattern=reference,
            version_pattern=self._pattern(meta, "version_pattern", DEFAULT_VERSION_PATTERN),
            review_cycle_months=self.get(review, "cycle_months", int, "[review]"),
            due_soon_days=int(review.get("due_soon_days", 90)),
            sign_off_levels=tuple(sorted(levels, key=lambda lv: lv.rank)),
            change_types=changes,
            forms=forms,
            rules=rules,
            publication=publication,
            source=self.source,
            reading=self._reading(),
        )

    def _reading(self) -> Reading:
        """``[reading]``: whole numbers of words, 0 (the default) for no limit."""
        table = self.data.get("reading", {})
        values: dict[str, float] = {}
        for key in ("max_sentence_words", "max_average_sentence_words"):
            value = table.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise self.fail(
                    f"[reading] {key} should be a number of words (0 for no limit), not {value!r}.",
                    near=key,
                )
            values[key] = value
        return Reading(
            int(values["max_sentence_words"]), float(values["max_average_sentence_words"])
        )

    def _pattern(self, meta: dict[str, Any], key: str, default: str) -> re.Pattern[str]:
        """A ``[framework]`` pattern (a regular expression the whole value must fit)."""
        text = self.get(meta, key, str, "[framework]", default)
        try:
            return re.compile(text)
        except re.error as exc:
            raise self.fail(f"`{key}` is not a valid pattern: {exc}.", near=f"{key} =") from exc

    def _level(self, t: dict[str, Any], where: str) -> Level:
        key = self.get(t, "key", str, f"an entry of [[{where}]]")
        return Level(
            key=key,
            label=self.get(t, "label", str, f"[[{where}]] `{key}`"),
            aliases=tuple(t.get("aliases", ())),
            rank=int(t.get("rank", 0)),
            minimum_sign_off=str(t.get("minimum_sign_off", "")),
        )

    def _form(self, key: str, t: dict[str, Any], choices: dict[str, tuple[str, ...]]) -> FormType:
        where = f"[forms.{key}]"
        fields = tuple(self._field(f, key, choices) for f in t.get("fields", []))
        keys = [f.key for f in fields]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise self.fail(
                f"{where} lists the field `{dupes.pop()}` twice.", near=f"[forms.{key}]"
            )
        title_field = self.get(t, "title_field", str, where)
        if title_field not in keys:
            raise self.fail(
                f"{where} has title_field `{title_field}`, which is not one of its fields.",
                near=f'title_field = "{title_field}"',
            )
        sections = tuple(
            Section(
                key=self.get(s, "key", str, f"a section of {where}"),
                title=self.get(s, "title", str, f"a section of {where}"),
                required=bool(s.get("required", True)),
                help=str(s.get("help", "")),
                aliases=tuple(s.get("aliases", ())),
            )
            for s in t.get("sections", [])
        )
        rows = t.get("rows", {})
        columns = tuple(
            Column(
                key=self.get(c, "key", str, f"a column of {where}"),
                label=self.get(c, "label", str, f"a column of {where}"),
                aliases=tuple(c.get("aliases", ())),
            )
            for c in rows.get("columns", [])
        )
        areas = tuple(
            Area(
                key=self.get(a, "key", str, f"an area of {where}"),
                title=self.get(a, "title", str, f"an area of {where}"),
                prompts=tuple(a.get("prompts", ())),
                guidance=str(a.get("guidance", "")),
            )
            for a in t.get("areas", [])
        )
        return FormType(
            key=key,
            label=self.get(t, "label", str, where),
            description=str(t.get("description", "")),
            title_field=title_field,
            detect=tuple(t.get("detect", ())),
            fields=fields,
            sections=sections,
            columns=columns,
            areas=areas,
        )

    def _field(self, t: dict[str, Any], form: str, choices: dict[str, tuple[str, ...]]) -> Field:
        key = self.get(t, "key", str, f"a field of [forms.{form}]")
        ftype = self.get(t, "type", str, f"field `{key}`")
        if ftype not in FIELD_TYPES:
            raise self.fail(
                f"field `{key}` has type `{ftype}`; the types are {', '.join(sorted(FIELD_TYPES))}.",
                near=f'type = "{ftype}"',
            )
        values: tuple[str, ...] = tuple(t.get("choices", ()))
        source = t.get("choices_from")
        if source is not None:
            if source not in choices:
                raise self.fail(
                    f"field `{key}` takes its choices from `{source}`, which is not defined.",
                    near=f'choices_from = "{source}"',
                )
            values = choices[source]
        if ftype == "choice" and not values:
            raise self.fail(f"field `{key}` is a choice but has no choices.", near=f'key = "{key}"')
        return Field(
            key=key,
            label=self.get(t, "label", str, f"field `{key}`"),
            type=ftype,
            required=bool(t.get("required", False)),
            publish_required=bool(t.get("publish_required", False)),
            help=str(t.get("help", "")),
            aliases=tuple(t.get("aliases", ())),
            choices=values,
            published=bool(t.get("published", True)),
        )

    def _rule(self, t: dict[str, Any], forms: dict[str, FormType]) -> Rule:
        kind = self.get(t, "kind", str, "a [[rules]] entry")
        if kind not in RULE_KINDS:
            raise self.fail(
                f"rule kind `{kind}` is unknown; the kinds are {', '.join(sorted(RULE_KINDS))}.",
                near=f'kind = "{kind}"',
            )
        form = self.get(t, "form", str, f"rule `{kind}`")
        if form not in forms:
            raise self.fail(
                f"rule `{kind}` is for form `{form}`, which is not defined.",
                near=f'form = "{form}"',
            )
        params = {k: v for k, v in t.items() if k not in {"kind", "form", "message"}}
        ft = forms[form]
        column_keys = {c.key for c in ft.columns}
        for name, value in params.items():
            field_params = {
                "earlier",
                "later",
                "start",
                "fallback_start",
                "end",
                "change_type",
                "sign_off",
                "field",
            }
            if name in field_params and not ft.has_field(str(value)):
                raise self.fail(
                    f"rule `{kind}` names the field `{value}`, which form `{form}` does not have.",
                    near=f'{name} = "{value}"',
                )
            if name == "columns":
                unknown = [c for c in value if c not in column_keys]
                if unknown:
                    raise self.fail(
                        f"rule `{kind}` names the column `{unknown[0]}`, which form `{form}` does not have.",
                        near=f'"{unknown[0]}"',
                    )
        return Rule(kind=kind, form=form, message=str(t.get("message", "")), params=params)
