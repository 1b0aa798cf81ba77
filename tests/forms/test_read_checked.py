"""``read_form`` given the gate's :class:`CheckedFile`: the Word form is read from the bytes
the gate checked, never from the file as it is later, and only for the file checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.compare.stored import to_json
from pipeline.forms.read import read_form
from pipeline.framework_load import default_framework
from pipeline.safety.check import check_file, checked_file
from tests.helpers.packages import package_bytes, package_parts


def _form(folder: Path, policy_form: Callable[[str], bytes], title: str) -> Path:
    path = folder / f"{title}.docx"
    path.write_bytes(policy_form(title))
    return path


def test_the_record_is_the_same_as_reading_the_file(
    tmp_path: Path, policy_form: Callable[[str], bytes]
) -> None:
    fw = default_framework()
    path = _form(tmp_path, policy_form, "Same Record Policy")
    handed = read_form(path, fw, checked_file(path))
    assert to_json(handed) == to_json(read_form(path, fw, check_file(path)))
    assert handed.value("title") == "Same Record Policy"


def test_a_file_changed_after_the_gate_is_read_as_the_gate_checked_it(
    tmp_path: Path, policy_form: Callable[[str], bytes]
) -> None:
    fw = default_framework()
    path = _form(tmp_path, policy_form, "Checked Title Policy")
    checked = checked_file(path)
    parts = package_parts(path)
    doc = parts["word/document.xml"]
    parts["word/document.xml"] = doc.replace(b"Checked Title Policy", b"Swapped Title Policy")
    package_bytes(parts, path)
    assert read_form(path, fw, checked).value("title") == "Checked Title Policy"
    assert read_form(path, fw, check_file(path)).value("title") == "Swapped Title Policy"


def test_a_verdict_on_another_file_is_refused(
    tmp_path: Path, policy_form: Callable[[str], bytes]
) -> None:
    one, other = (_form(tmp_path, policy_form, t) for t in ("One Policy", "Other Policy"))
    with pytest.raises(ValueError, match="verdict"):
        read_form(other, default_framework(), checked_file(one))
