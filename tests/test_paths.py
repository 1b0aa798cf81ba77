"""Paths built from form values stay inside their folder, and references/versions fit the framework.

``safe_path`` is the one way output paths are built; these tests give it what a hostile or
mistaken form (or a link someone made in the outbox) could: "..", absolute paths, NUL bytes,
names too long for a folder, and a link inside the tree leading out of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import FrameworkError, UnsafePath
from pipeline.framework import Framework
from pipeline.framework_load import default_framework, load_framework
from pipeline.paths import MAX_NAME_BYTES, fit_name, safe_path, within
from pipeline.validate.interpret import parse_reference, parse_version


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


def test_ordinary_names_are_joined_under_the_root(root: Path) -> None:
    path = safe_path(root, "ASC-POL-014", "1.4", "policy.pdf")
    assert path == root.resolve() / "ASC-POL-014" / "1.4" / "policy.pdf"
    assert safe_path(root, "notes..v2.docx").name == "notes..v2.docx"  # no step up on its own
    assert safe_path(root, "Réponse à la consultation.pdf").parent == root.resolve()


@pytest.mark.parametrize(
    "parts",
    [
        ("..",),
        ("ASC-POL-014", "..", "..", "x"),
        ("../../../outside-the-workspace",),
        ("1/../../x",),
        ("..\\..\\x",),
        ("/etc/passwd",),
        ("ASC-POL-014", "/tmp/x.pdf"),
        (".",),
        ("",),
        ("policy\x00.pdf",),
        ("a" * (MAX_NAME_BYTES + 1),),
        ("é" * 128,),  # 256 bytes in UTF-8
        (),
    ],
)
def test_unsafe_parts_are_refused(root: Path, parts: tuple[str, ...]) -> None:
    with pytest.raises(UnsafePath):
        safe_path(root, *parts)


def test_a_name_of_exactly_the_limit_is_allowed(root: Path) -> None:
    assert safe_path(root, "a" * MAX_NAME_BYTES).name == "a" * MAX_NAME_BYTES


def test_a_link_inside_the_tree_leading_outside_is_refused(tmp_path: Path, root: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "ASC-POL-001").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath, match="outside"):
        safe_path(root, "ASC-POL-001", "1", "policy.pdf")
    (root / "report.txt").symlink_to(outside / "report.txt")  # a dangling link to a file
    with pytest.raises(UnsafePath):
        safe_path(root, "report.txt")


def test_a_link_inside_the_tree_leading_inside_is_followed(root: Path) -> None:
    (root / "real").mkdir()
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    assert safe_path(root, "alias", "policy.pdf") == root.resolve() / "real" / "policy.pdf"


def test_the_root_itself_may_be_reached_through_a_link(tmp_path: Path, root: Path) -> None:
    linked = tmp_path / "linked-outbox"
    linked.symlink_to(root, target_is_directory=True)
    assert safe_path(linked, "x.pdf") == root.resolve() / "x.pdf"


def test_within_checks_paths_kept_from_before(tmp_path: Path, root: Path) -> None:
    assert within(root, root / "ASC-POL-001" / "1" / "policy.pdf").parent.name == "1"
    with pytest.raises(UnsafePath):
        within(root, root / ".." / "outside.pdf")
    with pytest.raises(UnsafePath):
        within(root, tmp_path / "elsewhere" / "policy.pdf")


def test_fit_name_shortens_the_stem_to_fit() -> None:
    long = "x" * 250 + ".docx"
    fitted = fit_name(long, " - problems.txt")
    assert fitted.endswith(" - problems.txt")
    assert len(fitted.encode()) <= MAX_NAME_BYTES
    assert fit_name("short.docx", " - problems.txt") == "short.docx - problems.txt"
    assert len(fit_name("é" * 127, " (2).docx").encode()) <= MAX_NAME_BYTES


# -- what a reference and a version look like: the framework's patterns --------------------


@pytest.fixture(scope="module")
def devon() -> Framework:
    return default_framework()


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("ASC-POL-014", "ASC-POL-014"),
        ("  ASC-POL-014 ", "ASC-POL-014"),
        ("asc-pol-014", "ASC-POL-014"),
        ("ASC-POL-1234", "ASC-POL-1234"),
        ("../../../outside-the-workspace", None),
        ("ASC-POL-014/..", None),
        ("ASC-POL-014\\x", None),
        ("ASC-POL-14", None),
        ("ASC POL 014", None),
        ("ASC-POL-014\x00", None),
        ("Policy 14", None),
    ],
)
def test_references_fit_the_framework_pattern(
    devon: Framework, written: str, read: str | None
) -> None:
    assert parse_reference(written, devon.reference_pattern) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1", "1"),
        ("1.4", "1.4"),
        ("2.0.1", "2.0.1"),
        ("v1.4", "1.4"),
        ("Version 2", "2"),
        ("../2", None),
        ("1/../../x", None),
        ("1..4", None),
        ("1.4/", None),
        ("", None),
    ],
)
def test_versions_fit_the_framework_pattern(
    devon: Framework, written: str, read: str | None
) -> None:
    assert parse_version(written, devon.version_pattern) == read


def test_the_patterns_are_the_framework_files(devon: Framework) -> None:
    assert devon.reference_pattern.pattern == "ASC-POL-[0-9]{3,}"
    assert devon.version_pattern.pattern == r"[0-9]+(\.[0-9]+)*"
    assert devon.reference_example == "ASC-POL-014"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    source = Path(str(default_framework().source)).read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / "ours.toml"
    path.write_text(source.replace(old, new), encoding="utf-8")
    return path


def test_another_council_declares_its_own_patterns(tmp_path: Path) -> None:
    fw = load_framework(
        _edited(
            tmp_path,
            "reference_pattern = 'ASC-POL-[0-9]{3,}'\nversion_pattern = '[0-9]+(\\.[0-9]+)*'",
            "reference_pattern = 'ASC-POL-[0-9]{3}'\nversion_pattern = '[0-9]+\\.[0-9]+'",
        )
    )
    assert parse_reference("ASC-POL-1234", fw.reference_pattern) is None
    assert parse_version("2", fw.version_pattern) is None
    assert parse_version("2.0", fw.version_pattern) == "2.0"


def test_without_patterns_the_reference_follows_prefix_and_digits(tmp_path: Path) -> None:
    fw = load_framework(
        _edited(
            tmp_path,
            "reference_pattern = 'ASC-POL-[0-9]{3,}'\nversion_pattern = '[0-9]+(\\.[0-9]+)*'\n",
            "",
        )
    )
    assert parse_reference("asc-pol-007", fw.reference_pattern) == "ASC-POL-007"
    assert parse_version("2.0.1", fw.version_pattern) == "2.0.1"


@pytest.mark.parametrize(
    ("pattern", "complaint"),
    [("'ASC-POL-[0-9'", "not a valid pattern"), ("'POL-[0-9]{3}'", "does not fit ASC-POL-001")],
)
def test_a_pattern_that_cannot_work_is_a_framework_error(
    tmp_path: Path, pattern: str, complaint: str
) -> None:
    path = _edited(
        tmp_path, "reference_pattern = 'ASC-POL-[0-9]{3,}'", f"reference_pattern = {pattern}"
    )
    with pytest.raises(FrameworkError, match=complaint):
        load_framework(path)
