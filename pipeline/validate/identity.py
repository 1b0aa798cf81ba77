"""Whether a form's reference and title agree on which policy it is about.

A form that writes a reference and a title names its policy twice. When the two disagree
(by :func:`pipeline.titles.title_key`), one of them is mistyped, and guessing which would
file the form under the wrong policy and overwrite that policy's documents. So the form is
stopped with a problem naming both fields, except in the one case where a new title is
meant: a policy form with a version higher than the registered one may rename its policy
(the old title is kept in the register's History).

A reference the register does not hold is taken as written (councils bring references
over from their old registers), unless its title is already another policy's: two
policies with one title could not be told apart by the forms that give only a title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.framework import Framework
from pipeline.records import FormRecord
from pipeline.titles import same_title
from pipeline.validate.interpret import Interpreted, parse_version, version_key
from pipeline.validate.messages import Problem, problem


@dataclass(frozen=True)
class Identity:
    """The outcome of :func:`check_identity`: a problem, or the title a rename replaces."""

    problem: Problem | None = None
    renamed_from: str = ""


def check_identity(
    record: FormRecord,
    framework: Framework,
    interpreted: Interpreted,
    registered: dict[str, Any] | None,
    holder: str | None,
) -> Identity:
    """Check the reference the form writes against its title.

    ``registered`` is what the register (with this batch's changes) holds for that
    reference, ``None`` if nothing; ``holder`` is the reference that already has the form's
    title, if any. A form that writes no reference is matched by title and always agrees.
    """
    ref = interpreted.reference
    form = framework.form(record.form_type)
    title = record.value(form.title_field)
    if not ref or not title:
        return Identity()
    names = {
        "field": form.field(form.title_field).label,
        "location": record.location(form.title_field),
        "label": form.field(form.title_field).label,
        "ref_label": form.field("policy_ref").label,
        "ref": ref,
        "title": title,
    }
    old = str((registered or {}).get("title") or "")
    if old and same_title(old, title):
        return Identity()
    if holder and holder != ref:
        return Identity(problem("title_taken", holder=holder, **names))
    if not old:
        return Identity()  # a reference from an older register, taken as written
    registered_version = str((registered or {}).get("version") or "")
    if record.form_type == "policy" and _higher(
        interpreted.version or record.value("version"), registered_version
    ):
        return Identity(renamed_from=old)
    rename = (
        f"To rename the policy, give this form a version higher than {registered_version}."
        if record.form_type == "policy" and registered_version
        else ""
    )
    return Identity(problem("title_mismatch", registered_title=old, rename=rename, **names))


def _higher(version: str, registered: str) -> bool:
    """Whether ``version`` is above ``registered``; never when either cannot be read (a row
    made by a plan alone has no version, and its title is as good as a policy's)."""
    new, old = parse_version(version), parse_version(registered)
    return new is not None and old is not None and version_key(new) > version_key(old)
