"""Deciding which of our forms a file is.

The blank forms carry a marker (``PipelineForm``: a custom document property in Word, a
defined name in Excel) whose value is the form key. Officers also start from old copies,
the framework's own appendices or a colleague's file, so without a marker the form is
recognised by its words: the framework's detect phrases, field labels, section titles,
column headers and area titles each score, and only a clear winner is accepted. A guess
between two forms would produce a confidently wrong document, so a tie is a rejection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.forms.common import candidate_strings, not_ours
from pipeline.framework import FormType, Framework
from pipeline.labels import name_key, normalise

MIN_SCORE = 3
MIN_LABELS = 4
_DETECT_WEIGHT = 2
_SECTION_WEIGHT = 2


@dataclass(frozen=True)
class Evidence:
    """What a reader saw: the marker (if any) and the label-like strings, body first.

    ``body`` is the text before any appendix heading; ``whole`` is everything. A policy
    that carries the framework's appendices (which quote the other forms) is still
    recognised by its body; a file that is nothing but an appendix falls back to the whole.
    """

    marker: str | None
    body: tuple[str, ...]
    whole: tuple[str, ...]
    kind_label: str  # "a Word document", "an Excel workbook"
    nothing: str  # what the file looks like when nothing matched


def _normalised_set(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        for piece in candidate_strings(text):
            key = normalise(piece)
            if key:
                out.add(key)
    return out


def _hit(names: Iterable[str], seen: set[str]) -> bool:
    return any(name_key(n) in seen for n in names if n)


def score_form(form: FormType, seen: set[str]) -> tuple[int, bool]:
    """How much of ``form`` the normalised strings ``seen`` show, and whether any of it is
    distinctive.

    Short labels ("Date", "Ref", "Area", "Lead") turn up in any spreadsheet; a form is only
    recognised with something distinctive too: a detect phrase, a section title, an area
    title, or at least :data:`MIN_LABELS` of its field labels.
    """
    detect = sum(1 for phrase in form.detect if name_key(phrase) in seen)
    fields = sum(1 for f in form.fields if _hit(f.names, seen))
    sections = sum(1 for s in form.sections if _hit(s.names, seen))
    columns = sum(1 for c in form.columns if _hit(c.names, seen))
    areas = sum(1 for a in form.areas if _hit((a.title,), seen))
    score = _DETECT_WEIGHT * detect + fields + _SECTION_WEIGHT * sections + columns + areas
    return score, bool(detect or sections or areas or fields >= MIN_LABELS)


def score_forms(framework: Framework, texts: Iterable[str]) -> dict[str, int]:
    """Every form's score for these texts (paragraphs, cells, lines); 0 when not distinctive."""
    seen = _normalised_set(texts)
    scores = {key: score_form(form, seen) for key, form in framework.forms.items()}
    return {key: score if strong else 0 for key, (score, strong) in scores.items()}


def _winner(scores: dict[str, int]) -> tuple[str | None, list[str]]:
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < MIN_SCORE:
        return None, []
    tied = [k for k, v in ranked if v == ranked[0][1]]
    return (tied[0], tied) if len(tied) == 1 else (None, tied)


def choose_form(framework: Framework, evidence: Evidence) -> str:
    """The form key for this file, or :class:`RejectedFile` "not one of our forms: ..."."""
    if evidence.marker is not None and evidence.marker.strip() in framework.forms:
        return evidence.marker.strip()
    tied: list[str] = []
    for texts in (evidence.body, evidence.whole):
        winner, tied = _winner(score_forms(framework, texts))
        if winner is not None:
            return winner
        if tied:
            break
    if tied:
        labels = " and a ".join(framework.forms[k].label.lower() for k in tied)
        raise not_ours(
            f"{evidence.kind_label} that looks as much like a {labels}; use one form per file"
        )
    if evidence.marker:
        raise not_ours(
            f"{evidence.kind_label} marked as a {evidence.marker.strip()!r} form, "
            "which this framework does not have"
        )
    raise not_ours(evidence.nothing)
