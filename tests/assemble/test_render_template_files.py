"""The template files behind the renders: typos and missing variables caught, a missing
template, an edited template read again, atomic writes, compiled templates shared but never
values.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from pipeline.assemble.render import Assembler, TemplateError
from pipeline.framework import Framework
from pipeline.records import (
    FieldValue,
)
from tests.helpers.paths import TEMPLATES
from tests.helpers.render_records import _edited_templates, context, policy_record


def test_check_templates_reports_a_typo_with_a_suggestion(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ strategic_owner }}", "{{ strategic_ownr }}")
    issues = Assembler(folder, framework).check_templates()
    errors = [i for i in issues if i.severity == "error"]
    assert len(errors) == 1 and errors[0].template == "policy.docx"
    assert errors[0].variable == "strategic_ownr"
    assert "did you mean `strategic_owner`" in errors[0].message
    warnings = [i for i in issues if i.severity == "warning"]
    assert [w.variable for w in warnings] == ["strategic_owner"]


def test_check_templates_catches_attribute_typos_by_rendering(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ c.what }}", "{{ c.wat }}")
    issues = Assembler(folder, framework).check_templates()
    assert [i.severity for i in issues] == ["error"]
    assert "`wat`" in issues[0].message and "policy.docx" in issues[0].message


def test_missing_variable_is_a_template_error_naming_it(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ next_review }}", "{{ review_next }}")
    with pytest.raises(TemplateError, match=r"policy\.docx uses `review_next`"):
        Assembler(folder, framework).render(
            policy_record(), tmp_path / "out.docx", context=context()
        )
    assert not (tmp_path / "out.docx").exists()


def test_template_reread_when_the_file_changes(framework: Framework, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    assembler = Assembler(folder, framework)
    assembler.render(policy_record(), tmp_path / "a.docx", context=context())
    edited = _edited_templates(tmp_path / "edit", "Change history", "Version history")
    shutil.copy(edited / "policy.docx", folder / "policy.docx")
    assembler.render(policy_record(), tmp_path / "b.docx", context=context())
    texts = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]
    assert "Version history" in texts and "Change history" not in texts


def test_write_is_atomic_and_leaves_no_temporary_files(
    assembler: Assembler, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "policy.docx"
    out.parent.mkdir()
    out.write_bytes(b"old")
    assembler.render(policy_record(), out, context=context())
    assert sorted(p.name for p in out.parent.iterdir()) == ["policy.docx"]
    assert zipfile.is_zipfile(out)


def test_missing_template_is_a_template_error(framework: Framework, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="policy.docx"):
        Assembler(tmp_path, framework).render(
            policy_record(), tmp_path / "x.docx", context=context()
        )
    issues = Assembler(tmp_path, framework).check_templates()
    assert {i.template for i in issues} == {f"{k}.docx" for k in framework.forms}


def test_renders_share_compiled_templates_but_never_values_or_stale_files(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ strategic_owner }}", "{{ strategic_owner }}")
    asm = Assembler(folder, framework)
    first = policy_record()
    second = policy_record()
    second.fields["strategic_owner"] = FieldValue("Another Owner")
    asm.render(first, tmp_path / "1.docx", context=context())
    asm.render(second, tmp_path / "2.docx", context=context())
    text_of = lambda p: "\n".join(x.text for x in docx.Document(str(p)).tables[0]._cells)  # noqa: E731
    assert "Sally Slade" in text_of(tmp_path / "1.docx")
    assert "Another Owner" in text_of(tmp_path / "2.docx")
    assert "Sally Slade" not in text_of(tmp_path / "2.docx")
    edited = _edited_templates(
        tmp_path / "edit", "{{ strategic_owner }}", "{{ strategic_owner }} (edited)"
    )
    shutil.copyfile(edited / "policy.docx", folder / "policy.docx")  # edited in place
    asm.render(first, tmp_path / "3.docx", context=context())
    assert "Sally Slade, Head of Adult Social Care (edited)" in text_of(tmp_path / "3.docx")
