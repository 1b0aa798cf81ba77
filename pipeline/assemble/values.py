"""Turning a record's values into template values: data, never markup.

Every string a template receives goes through :func:`data`: XML-illegal characters are
removed, ``& < > " '`` are escaped, and docxtpl's own ``{_{`` escape is defused, so whatever
an officer typed (even ``{{ x }}`` or ``{% if %}``) comes out literally. Jinja's autoescape
leaves these :class:`Markup` values alone and escapes anything else a template computes.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from pipeline.assemble.blocks import clean_text
from pipeline.framework import Area, Column, FormType
from pipeline.labels import normalise
from pipeline.records import FormRecord, Row

_DOCXTPL_ESCAPE = re.compile(r"(?<=[{}%])_(?=[{}%])")


def data(text: str) -> Markup:
    """A value made safe to place in WordprocessingML: cleaned, escaped, docxtpl escapes kept."""
    escaped = str(escape(clean_text(text)))
    if "_" not in escaped:  # most values: nothing for the pattern below to find
        return Markup(escaped)
    # "&#95;" is "_" for the XML parser, but stops docxtpl's "{_{" -> "{{" rewrite.
    return Markup(_DOCXTPL_ESCAPE.sub("&#95;", escaped))


def document_title(record: FormRecord, form: FormType) -> str:
    """The policy's own title; other forms say what they are ("Implementation plan: ...")."""
    title = " ".join(clean_text(record.value(form.title_field)).split()) or form.label
    return title if form.key == "policy" else f"{form.label}: {title}"


RUNNING_TITLE_LIMIT = 90  # characters: a running head is one line in the header of every page


def running_title(title: str) -> str:
    """The title as the page header shows it: whole, or cut at a word with an ellipsis.

    The header repeats on every page; a title of thousands of characters there filled every
    page with header and pushed the policy itself out of the PDF. The whole title is still
    the document's first heading, its details table and its metadata.
    """
    if len(title) <= RUNNING_TITLE_LIMIT:
        return title
    cut = title[: RUNNING_TITLE_LIMIT - 1]
    word_end = cut.rfind(" ")
    return (cut[:word_end] if word_end > RUNNING_TITLE_LIMIT // 2 else cut).rstrip() + "\u2026"


def template_row(row: Row, columns: tuple[Column, ...]) -> dict[str, Markup]:
    values = {key: data(text) for key, text in row.cells.items()}
    for col in columns:
        values.setdefault(col.key, data(""))
    return values


def _match_area(text: str, areas: tuple[Area, ...]) -> Area | None:
    """The area a row's area cell names: the readers store the area's key, people its title."""
    by_key = next((a for a in areas if a.key == text.strip()), None)
    key = normalise(text)
    if by_key is not None or not key:
        return by_key
    for area in areas:
        title = normalise(area.title)
        if key in (title, normalise(area.key.replace("_", " "))) or key.startswith(title + " "):
            return area
    return None


def template_areas(record: FormRecord, form: FormType) -> list[dict[str, Any]]:
    """The plan's rows in the framework's area order, each with the area's title and prompts.

    A row is placed by its area cell; rows with an empty area cell fill the areas nobody
    named, in order; a row naming an area the framework does not have is kept at the end.
    """
    if not form.areas:
        return []
    placed: dict[str, Row] = {}
    unnamed: list[Row] = []
    extra: list[Row] = []
    for row in record.rows:
        area = _match_area(row.get("area"), form.areas)
        if area is not None and area.key not in placed:
            placed[area.key] = row
        elif row.get("area").strip():
            extra.append(row)
        elif any(v.strip() for v in row.cells.values()):
            unnamed.append(row)
    result = []
    for number, area in enumerate(form.areas, start=1):
        row = placed.get(area.key) or (unnamed.pop(0) if unnamed else Row({}))
        result.append(_area(number, area.title, area.prompts, area.guidance, row, form.columns))
    for number, row in enumerate(extra, start=len(form.areas) + 1):
        result.append(_area(number, row.get("area").strip(), (), "", row, form.columns))
    return result


def _area(
    number: int,
    title: str,
    prompts: tuple[str, ...],
    guidance: str,
    row: Row,
    columns: tuple[Column, ...],
) -> dict[str, Any]:
    values: dict[str, Any] = dict(template_row(row, columns))
    values.update(
        number=str(number),
        title=data(title),
        prompts=[data(p) for p in prompts],
        guidance=data(guidance),
    )
    return values
