"""The report an officer reads when a form is turned back, and the guide to its messages.

The report is plain text so that it opens in Notepad, in an email or on a phone without any
tool, and it sits next to the rejected file. It says in one sentence what happened and that
nothing was lost, then numbers each problem with the field, where it is, what is wrong and
how to put it right, so an officer can work down the list in one sitting.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from datetime import datetime

from pipeline.dates import format_date
from pipeline.framework import Framework
from pipeline.framework_load import default_framework
from pipeline.validate.messages import MESSAGES, Message, Problem, problems_as_json

__all__ = ["messages_doc", "problems_as_json", "render_report"]

WIDTH = 78
KEPT = "Nothing has been lost: your file is in the rejected folder, unchanged."
NEXT_STEP = "Correct the form and drop it in the inbox again."
NEXT_STEP_FILE = "Put this right, then drop the file in the inbox again."


def render_report(
    file_name: str,
    form_label: str | None,
    problems: Sequence[Problem],
    *,
    when: datetime,
    reason: str | None = None,
) -> str:
    """The plain-text report for one file; ``reason`` is a file-level rejection instead."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    title = f'Report on "{file_name}"'
    lines = [title, "=" * len(title), ""]
    if form_label:
        lines.append(f"Form: {form_label}")
    lines += [f"Checked: {format_date(when.date())} at {when:%H:%M}", ""]
    if reason is not None:
        lines += _para(f"Your file was not processed. {KEPT}") + [""]
        lines += _para(f"The problem: {_sentence(reason)}") + [""]
        return _finish(lines, NEXT_STEP_FILE)
    if errors:
        count = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
        lines += _para(f"Your form was not processed because of {count}. {KEPT}") + [""]
        lines += _numbered("Please put these right", errors)
        if warnings:
            lines += _numbered("Also worth checking (these did not stop your form)", warnings)
        return _finish(lines, NEXT_STEP)
    if warnings:
        lines += _para("Your form was processed. Please look at the points below.") + [""]
        lines += _numbered("Worth checking (these did not stop your form)", warnings)
        return _finish(lines, "Nothing needs doing now: put these right in the next version.")
    lines += _para("Your form was processed with no problems.") + [""]
    return "\n".join(lines)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _para(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _numbered(heading: str, problems: Sequence[Problem]) -> list[str]:
    lines = [heading, "-" * len(heading), ""]
    for number, item in enumerate(problems, start=1):
        lines += _para(item.field or "The whole form", f"{number}. ", "   ")
        indent = " " * len(f"{number}. ")
        if item.location:
            lines += _para(item.location, f"{indent}Where: ", indent + "  ")
        lines += _para(item.message, f"{indent}What is wrong: ", indent + "  ")
        lines += _para(item.fix, f"{indent}How to put it right: ", indent + "  ")
        lines.append("")
    return lines


def _finish(lines: list[str], step: str) -> str:
    lines += ["What to do next", "-" * len("What to do next"), ""]
    lines += _para(step)
    return "\n".join(lines) + "\n"


# -- the officers' guide to the messages ------------------------------------------------

PLACEHOLDERS = {
    "label": "name",
    "help": "the framework's guidance for it",
    "value": "what the form says",
    "choices": "the choices",
    "example": "a reference as the register writes it",
    "rule": "the rule's message, listed at the end",
    "earlier_label": "earlier date",
    "later_label": "later date",
    "earlier": "earlier date as written",
    "later": "later date as written",
    "months": "number",
    "start_label": "last review date",
    "start": "last review as written",
    "deadline": "latest allowed date",
    "end": "next review as written",
    "end_label": "next review date",
    "article": "A/An",
    "change": "kind of change",
    "minimum": "lowest level allowed",
    "given": "level on the form",
    "change_label": "change type",
    "areas": "the plan's areas",
    "area": "area",
    "missing": "the empty columns",
    "columns": "the columns",
    "registered": "version in the register",
    "names": "the framework's headings",
    "forms": "the framework's forms",
    "ref": "reference on the form",
    "registered_title": "the policy's title in the register",
    "title": "title on the form",
    "ref_label": "Policy reference",
    "rename": "for a policy form: how to rename it with a new version",
    "holder": "reference of the policy with that title",
}


class _Shown(dict[str, str]):
    """Shows a template's placeholders as [words] in the guide."""

    def __missing__(self, key: str) -> str:
        return f"[{PLACEHOLDERS.get(key, key)}]"


def _entry(message: Message) -> list[str]:
    return [
        f"### {message.title}",
        "",
        f"**You will see:** {message.message.format_map(_Shown())}",
        "",
        f"**What it means:** {message.meaning}",
        "",
        f"**How to put it right:** {message.fix.format_map(_Shown())}",
        "",
    ]


def messages_doc(framework: Framework) -> str:
    """``docs/messages.md``: every message the pipeline can show, generated so it cannot drift."""
    lines = [
        "# What the messages in a problem report mean",
        "",
        "<!-- Generated from pipeline/validate/messages.py by `python -m pipeline.validate.report`."
        " Do not edit by hand: a test checks this file matches. -->",
        "",
        "When a form cannot be processed it goes to the rejected folder, unchanged, with a",
        "report beside it. The report lists every problem at once: the field, where it is,",
        "what is wrong and how to put it right. This page explains each message.",
        "Words in [square brackets] are filled in from your form and the framework.",
        "",
        "## Problems that stop a form",
        "",
    ]
    for message in MESSAGES.values():
        if message.severity == "error":
            lines += _entry(message)
    lines += ["## Things worth checking (these do not stop a form)", ""]
    for message in MESSAGES.values():
        if message.severity != "error":
            lines += _entry(message)
    lines += [
        "## The framework's rules",
        "",
        f"Where a message starts with [{PLACEHOLDERS['rule']}], it is one of these rules of the",
        f"{framework.name} ({framework.council}):",
        "",
    ]
    for rule in framework.rules:
        if rule.message and rule.kind != "sign_off_level":  # its message names both levels
            lines.append(f"- {framework.form(rule.form).label}: {rule.message}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(messages_doc(default_framework()))
