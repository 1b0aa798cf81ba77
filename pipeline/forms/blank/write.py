"""The blank forms officers fill in (``pipeline forms DIR``), one Word and one Excel per type.

The forms are generated from the framework, never drawn by hand, so the labels, choices and
help officers see are exactly the ones the reader and the validator expect; a council that
edits its framework file regenerates its forms. Each file carries its form type (the marker)
(:mod:`pipeline.forms.markers`, which the reader also uses) so the reader need not
guess from the words.
"""

from __future__ import annotations

from pathlib import Path

from pipeline import atomic
from pipeline.forms.blank.excel import write_xlsx
from pipeline.forms.blank.word import write_docx
from pipeline.framework import Framework

__all__ = ["write_blank_forms"]


def write_blank_forms(framework: Framework, out_dir: Path) -> list[Path]:
    """Write ``<key>.docx`` and ``<key>.xlsx`` for every form type; return the paths."""
    atomic.make_dirs(out_dir)
    written: list[Path] = []
    for key, form in framework.forms.items():
        written.append(write_docx(framework, form, out_dir / f"{key}.docx"))
        written.append(write_xlsx(framework, form, out_dir / f"{key}.xlsx"))
    return written
