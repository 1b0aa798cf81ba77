"""The gate's hand-over: a Word form's parts as the gate read them, for the reader.

``checked_file`` must give ``check_file``'s verdict, and the parts it hands over must be
exactly the package's members, byte for byte; anything it does not hand over (Excel, a
package over the hand-over size) leaves the reader to open the file itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pipeline.safety.check import check_file, checked_file
from pipeline.safety.package import HAND_OVER_BYTES
from tests.helpers.packages import package_bytes, package_parts
from tests.helpers.paths import EXAMPLES


def test_a_word_form_is_handed_over_as_exactly_its_members(
    tmp_path: Path, policy_form: Callable[[str], bytes]
) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes(policy_form("Handed Over Policy"))
    checked = checked_file(path)
    assert checked.kind == check_file(path) == "docx"
    assert checked.path == path
    assert checked.parts == package_parts(path)


def test_an_excel_form_is_not_handed_over() -> None:
    path = EXAMPLES / "carers-respite-policy-request.xlsx"
    checked = checked_file(path)
    assert checked.kind == check_file(path) == "xlsx"
    assert checked.parts is None


def test_a_word_form_over_the_hand_over_size_is_left_to_the_reader(
    tmp_path: Path, policy_form: Callable[[str], bytes]
) -> None:
    parts = package_parts(policy_form("Big Policy"))
    # random bytes do not compress, so the zip bomb ratio never applies
    parts["word/media/big.bin"] = os.urandom(HAND_OVER_BYTES)
    path = tmp_path / "big.docx"
    package_bytes(parts, path)
    checked = checked_file(path)
    assert checked.kind == "docx"
    assert checked.parts is None
