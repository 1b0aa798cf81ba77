"""A rendered document's package: the template's untouched parts are its own bytes, and
every part rendering writes into comes from memory (the sample policy, read for real)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.assemble import package
from pipeline.assemble.render import Assembler, RenderContext
from pipeline.forms.read import read_form
from pipeline.framework_load import default_framework
from pipeline.records import FormRecord
from pipeline.safety.check import check_file
from tests.helpers.packages import package_parts
from tests.helpers.paths import SAMPLE_POLICY, TEMPLATES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UNTOUCHED = (
    "word/styles.xml",
    "word/theme/theme1.xml",
    "word/fontTable.xml",
    "word/settings.xml",
    "word/webSettings.xml",
    "docProps/app.xml",
)
CONTEXT = RenderContext("ASC-POL-009", "2", "Devon County Council", "1 May 2026")


@pytest.fixture(scope="module")
def policy() -> FormRecord:
    return read_form(SAMPLE_POLICY, default_framework(), check_file(SAMPLE_POLICY))


def test_untouched_parts_are_the_templates_and_rendered_ones_are_new(
    policy: FormRecord, tmp_path: Path
) -> None:
    out = tmp_path / "policy.docx"
    Assembler(TEMPLATES, default_framework()).render(policy, out, context=CONTEXT)
    template, rendered = package_parts(TEMPLATES / "policy.docx"), package_parts(out)
    assert set(rendered) == set(template)  # no part lost, none twice
    assert all(rendered[name] == template[name] for name in UNTOUCHED)
    assert b"ASC-POL-009" in rendered["docProps/core.xml"]
    assert b"{{" in template["word/document.xml"] and b"{{" not in rendered["word/document.xml"]
    # the lettered lists restart, each a new list instance written into the numbering part
    assert rendered["word/numbering.xml"].count(b"<w:num ") > template["word/numbering.xml"].count(
        b"<w:num "
    )
    document = docx.Document(str(out))
    assert document.paragraphs[0].style is not None
    assert document.styles["Numbered Paragraph"] is not None


def test_a_template_edited_gives_its_new_parts_to_the_next_document(
    policy: FormRecord, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    assembler = Assembler(folder, default_framework())
    assembler.render(policy, tmp_path / "a.docx", context=CONTEXT)
    edited = package_parts(folder / "policy.docx")
    edited["word/theme/theme1.xml"] = edited["word/theme/theme1.xml"].replace(
        b'name="Office Theme"', b'name="Council Theme"'
    )
    assert b"Council Theme" in edited["word/theme/theme1.xml"]
    with zipfile.ZipFile(folder / "policy.docx", "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in edited.items():
            package.writestr(name, data)
    assembler.render(policy, tmp_path / "b.docx", context=CONTEXT)
    assert (
        package_parts(tmp_path / "b.docx")["word/theme/theme1.xml"]
        == edited["word/theme/theme1.xml"]
    )


def test_a_big_serialised_part_is_made_each_time_and_never_kept() -> None:
    """A form's thousand links make a big relationships part: kept, it would stay in memory
    for the life of a watching process, used by one document only."""
    small, big = ("small-part-key",), ("big-part-key",)
    assert package._serialised(small, lambda: b"<r/>") == b"<r/>"
    assert package._serialised(big, lambda: b"x" * 100_000) == b"x" * 100_000
    assert small in package._SERIALISED
    assert big not in package._SERIALISED
