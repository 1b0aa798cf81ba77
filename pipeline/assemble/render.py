"""The assemble stage: one :class:`FormRecord` in, one finished .docx out.

Each form has a docxtpl template ``<form key>.docx`` in the templates folder (built by
:mod:`pipeline.assemble.build_templates`, editable in Word). Values are data, never markup: they are
cleaned of XML-illegal characters and rendered with autoescaping, so ``<``, ``&`` or a
``{{ x }}`` an officer typed comes out literally. A template variable the pipeline does not
provide is a :class:`TemplateError` naming the template and the variable, never a blank.
Policy sections are written as subdocuments in the template's own styles
(:mod:`pipeline.assemble.blocks`).
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import nsmap as docx_nsmap
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError

from pipeline import atomic, zip_parts
from pipeline.assemble.blocks import BLOCK_STYLES, BlockWriter, SectionBody, clean_text
from pipeline.assemble.package import (
    has_footnotes,
    kept_parts,
    rendered_package,
    shared_parts,
)
from pipeline.assemble.patched import CompilingOnce, PatchingOnce
from pipeline.assemble.values import (
    data,
    document_title,
    running_title,
    template_areas,
    template_row,
)
from pipeline.errors import ConfigError
from pipeline.framework import FormType, Framework
from pipeline.records import FieldValue, FormRecord, Paragraph, Row, Run, SectionContent

# docxcompose (imported by docxtpl) rebinds python-docx's global "cp" prefix to the
# custom-properties namespace, so python-docx then wrote keywords, version, category and
# revision into core.xml under the wrong namespace, where Word and search tools ignore
# them. docxcompose looks "cp" up in its own table, so python-docx's can be put back.
docx_nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

# Names every template may use besides the form's own field keys (see docs/templates.md).
FIXED_NAMES = frozenset(
    {
        "document_title",
        "running_title",
        "council",
        "service",
        "form_label",
        "generated",
        "draft",
        "missing",
        "version",
        "policy_ref",
        "change_history",
        "sections",
        "areas",
        "rows",
    }
)
# Fields that share a fixed name on purpose: the register's value wins over the form's.
_OVERRIDDEN = frozenset({"version", "policy_ref"})
_CORE_LIMIT = 255  # python-docx refuses longer core property values


class TemplateError(ConfigError):
    """A template is missing, broken, or uses something the pipeline does not provide."""


@dataclass(frozen=True)
class RenderContext:
    """What the register knows that the form does not: reference, version, history, state."""

    policy_ref: str
    version: str
    council: str
    generated: str  # the date the document is produced, as it is to be printed
    change_history: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # version, date, what, author
    draft: bool = False
    missing: list[str] = field(default_factory=list)  # what is still needed before publication


@dataclass(frozen=True)
class AssembledDocument:
    kind: str
    docx: Path
    title: str


@dataclass(frozen=True)
class TemplateIssue:
    """One finding of :meth:`Assembler.check_templates`; ``error`` breaks documents, ``warning`` may not."""

    template: str
    severity: str
    message: str
    variable: str = ""

    def __str__(self) -> str:
        return f"{self.severity}: {self.template}: {self.message}"


def _variable_of(exc: UndefinedError) -> str:
    m = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc.message or ""))
    return (m.group(1) or m.group(2)) if m else str(exc.message)


@dataclass(frozen=True)
class _Loaded:
    """What a template's bytes decide, found once per template: the package parsed (each
    document renders into a copy of it, never into it), the parts every document's copy
    shares with it (a ``deepcopy`` memo), the parts every document copies as zip entries,
    its paragraph style ids (name -> id) and styles (name -> style) as they are used, its
    body and headers and footers as docxtpl reads them (``PatchingOnce.kept_xml``), the
    block styles it lacks, whether it has a footnotes part."""

    data: bytes
    parsed: WordDocument
    shared: dict[int, Any]
    kept: zip_parts.Template
    style_ids: dict[str, str | None]
    styles: dict[str, Any]
    xml: dict[str, str]
    missing_styles: tuple[str, ...]
    footnotes: bool


class Assembler:
    """Loads each template once per process (templates are re-read only when the file changes)."""

    def __init__(self, templates_dir: Path, framework: Framework) -> None:
        self.templates_dir = templates_dir
        self.framework = framework
        self._cache: dict[Path, tuple[tuple[int, int], bytes]] = {}
        self._loaded: dict[Path, _Loaded] = {}
        self._lock = threading.Lock()
        self._jinja = CompilingOnce(undefined=StrictUndefined, autoescape=True)
        for form in framework.forms.values():
            for f in form.fields:
                if f.key in FIXED_NAMES - _OVERRIDDEN:
                    raise TemplateError(
                        f"The framework field `{f.key}` of the {form.label} form has the name of a "
                        f"template variable the pipeline provides; rename the field in {framework.source}."
                    )

    def template_path(self, form_key: str) -> Path:
        return self.templates_dir / f"{form_key}.docx"

    def _template(self, form: FormType) -> DocxTemplate:
        path = self.template_path(form.key)
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            with self._lock:
                cached = self._cache.get(path)
                if cached is None or cached[0] != stamp:
                    cached = (stamp, path.read_bytes())
                    self._cache[path] = cached
        except OSError as exc:
            raise TemplateError(
                f"There is no usable template for the {form.label} form: {path} ({exc.strerror}). "
                "Rebuild the templates with `python -m pipeline.assemble.build_templates <folder>`."
            ) from exc
        try:
            with self._lock:
                loaded = self._loaded.get(path)
                if loaded is None or loaded.data is not cached[1]:
                    parsed = Document(io.BytesIO(cached[1]))
                    loaded = self._loaded[path] = _Loaded(
                        cached[1],
                        parsed,
                        shared_parts(parsed),
                        kept_parts(cached[1], parsed),
                        {},
                        {},
                        {},
                        tuple(s for s in BLOCK_STYLES if not _has_style(parsed, s)),
                        has_footnotes(parsed),
                    )
            tpl = PatchingOnce(io.BytesIO(cached[1]))
            # the parts rendering writes into are copied, the others shared: a quarter of
            # copying it all (0.4 ms against 1.8 ms for the policy template, timed alone)
            tpl.docx = copy.deepcopy(loaded.parsed, dict(loaded.shared))
            tpl.loaded = loaded  # this template's, even if the file changes meanwhile
            tpl.has_footnotes = loaded.footnotes
            tpl.kept_xml = loaded.xml
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateError(
                f"The template {path} is not a Word (.docx) document: {exc}."
            ) from exc
        return tpl

    def _env(self) -> Environment:
        return self._jinja

    def render(
        self, record: FormRecord, out_path: Path, *, context: RenderContext
    ) -> AssembledDocument:
        """Render ``record`` into ``out_path`` (written atomically) and set its properties."""
        form = self._form(record)
        tpl, title = self._build(record, form, context)
        cp = tpl.docx.core_properties
        ref = clean_text(context.policy_ref or record.value("policy_ref"))
        version = clean_text(context.version or record.value("version"))
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        cp.title = title[:_CORE_LIMIT]
        cp.subject = form.label[:_CORE_LIMIT]
        cp.author = cp.last_modified_by = clean_text(context.council)[:_CORE_LIMIT]
        cp.keywords = "; ".join(k for k in ("adult social care", form.label.lower(), ref) if k)[
            :_CORE_LIMIT
        ]
        cp.language = self.framework.language
        cp.version, cp.identifier = version[:_CORE_LIMIT], ref[:_CORE_LIMIT]
        cp.category, cp.comments, cp.revision = form.label[:_CORE_LIMIT], "", 1
        cp.created = cp.modified = now
        atomic.write_bytes(out_path, rendered_package(tpl.loaded.kept, tpl.docx))
        return AssembledDocument(kind=form.key, docx=out_path, title=title)

    def _form(self, record: FormRecord) -> FormType:
        if record.form_type not in self.framework.forms:
            raise TemplateError(
                f"There is no form `{record.form_type}` in the framework, so no template for it."
            )
        return self.framework.form(record.form_type)

    def _build(
        self, record: FormRecord, form: FormType, context: RenderContext
    ) -> tuple[DocxTemplate, str]:
        tpl = self._template(form)
        path = self.template_path(form.key)
        title = document_title(record, form)
        if form.sections:
            missing_styles = tpl.loaded.missing_styles
            if missing_styles:
                raise TemplateError(
                    f"The template {path} has no style named {', '.join(repr(s) for s in missing_styles)}, "
                    "which the policy sections are written in; add the style or rebuild the template."
                )
        values = self._context(tpl, record, form, context, title)
        try:
            tpl.render(values, self._env(), autoescape=True)
        except UndefinedError as exc:
            name = _variable_of(exc)
            raise TemplateError(
                f"The template {path} uses `{name}`, which the pipeline does not provide for the "
                f"{form.label} form. Run `pipeline templates check` to see the names it may use."
            ) from exc
        except TemplateSyntaxError as exc:
            raise TemplateError(f"The template {path} has a broken tag: {exc.message}.") from exc
        return tpl, title

    def _context(
        self,
        tpl: DocxTemplate,
        record: FormRecord,
        form: FormType,
        context: RenderContext,
        title: str,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {f.key: data(record.value(f.key)) for f in form.fields}
        version = context.version or record.value("version")
        history = list(context.change_history)
        if not history and form.sections:
            summary = record.value("change_summary") or record.value("change_type") or "Issued."
            history = [(version, context.generated, summary, record.value("author"))]
        values.update(
            document_title=data(title),
            running_title=data(running_title(title)),
            council=data(context.council),
            service=data(self.framework.service),
            form_label=data(form.label),
            generated=data(context.generated),
            draft=context.draft,
            missing=[data(m) for m in context.missing if m.strip()],
            version=data(version),
            policy_ref=data(context.policy_ref or record.value("policy_ref")),
            change_history=[
                {"version": data(v), "date": data(d), "what": data(w), "author": data(a)}
                for v, d, w, a in history
            ],
            sections=self._sections(tpl, record, form),
            areas=template_areas(record, form),
            rows=[
                template_row(r, form.columns)
                for r in record.rows
                if any(v.strip() for v in r.cells.values())
            ],
        )
        return values

    @staticmethod
    def _sections(tpl: DocxTemplate, record: FormRecord, form: FormType) -> list[dict[str, Any]]:
        sections = []
        style_ids, styles = tpl.loaded.style_ids, tpl.loaded.styles  # for every document
        for number, section in enumerate(form.sections, start=1):
            content = record.section(section.key)
            body = SectionBody(tpl)
            writer = BlockWriter(body, number, style_ids=style_ids, styles=styles)
            writer.write(content.blocks if content else ())
            sections.append(
                {
                    "number": str(number),
                    "key": section.key,
                    "title": data(section.title),
                    "body": body,
                }
            )
        return sections

    def check_templates(self) -> list[TemplateIssue]:
        """What `pipeline templates check` reports: unknown variables (errors), unused fields (warnings)."""
        issues: list[TemplateIssue] = []
        for form in self.framework.forms.values():
            name = self.template_path(form.key).name
            try:
                tpl = self._template(form)
                used = tpl.get_undeclared_template_variables(self._env())
            except TemplateError as exc:
                issues.append(TemplateIssue(name, "error", exc.message))
                continue
            except TemplateSyntaxError as exc:
                issues.append(
                    TemplateIssue(
                        name, "error", f"a tag is broken near line {exc.lineno}: {exc.message}."
                    )
                )
                continue
            provided = {f.key for f in form.fields} | FIXED_NAMES
            for var in sorted(used - provided):
                close = difflib.get_close_matches(var, sorted(provided), n=1, cutoff=0.6)
                hint = f"; did you mean `{close[0]}`?" if close else "."
                issues.append(
                    TemplateIssue(
                        name,
                        "error",
                        f"uses `{var}`, which the {form.label} form does not provide{hint}",
                        var,
                    )
                )
            for f in form.fields:
                if f.key not in used and f.published:
                    issues.append(
                        TemplateIssue(
                            name, "warning", f"leaves out the field `{f.key}` ({f.label}).", f.key
                        )
                    )
            if not used - provided:
                issues.extend(self._dry_run(form, name))
        return issues

    def _dry_run(self, form: FormType, name: str) -> list[TemplateIssue]:
        """Render a sample record, which catches what variable names alone miss (``{{ r.sadi }}``)."""
        sample = FormRecord(
            form_type=form.key,
            source=Path("sample"),
            fields={f.key: FieldValue(f"Sample {f.label}") for f in form.fields},
            sections=[
                SectionContent(s.key, s.title, (Paragraph((Run("Sample text."),)),))
                for s in form.sections
            ],
            rows=[Row({c.key: f"Sample {c.label}" for c in form.columns})],
        )
        context = RenderContext(
            "REF-001", "1", self.framework.council, "1 January 2025", draft=True, missing=["x"]
        )
        try:
            self._build(sample, form, context)
        except TemplateError as exc:
            return [TemplateIssue(name, "error", exc.message)]
        return []


def _has_style(document: WordDocument, name: str) -> bool:
    try:
        document.styles[name]
    except KeyError:
        return False
    return True
