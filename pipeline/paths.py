"""Every path the pipeline writes, built in one place and kept inside its folder.

Folder and file names are made from what officers type (a policy reference, a version, a
title, a file's own name). Validation turns away values that do not look like references
and versions, but a missed check, an old journal entry or a link someone made inside the
outbox must still never send a file outside the workspace. So every output path is built
by :func:`safe_path`: each part must be one plain name, and the joined path, with links
followed, must still lie inside the folder it was built under.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import UnsafePath

MAX_NAME_BYTES = 255  # the longest name one folder entry may have (ext4, NTFS, SMB)
_SEPARATORS = ("/", "\\")


def check_name(part: str) -> str:
    """``part`` if it is one plain file or folder name; :class:`UnsafePath` otherwise."""
    if not part or part in (".", ".."):
        raise UnsafePath(
            f"{part!r} is not a file or folder name: it would mean this folder or the one above."
        )
    if "\x00" in part:
        raise UnsafePath(f"{part!r} contains a NUL character, which no file name may contain.")
    if any(sep in part for sep in _SEPARATORS):
        # "a..b" is left alone: without a separator ".." is only a step up on its own.
        raise UnsafePath(f"{part!r} is not a single name: it contains a path separator.")
    if Path(part).is_absolute():  # pragma: no cover - a separator is caught above on POSIX
        raise UnsafePath(f"{part!r} is an absolute path, not a name.")
    if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        raise UnsafePath(
            f"{part[:40]!r}... is longer than the {MAX_NAME_BYTES} bytes a file name may have."
        )
    return part


def safe_path(root: Path, *parts: str) -> Path:
    """``root/part/part/...``, refused unless it stays inside ``root``.

    Each part must be a single name (no separators, no ``..``, no NUL, at most 255 bytes).
    The result is resolved, following any links already in the tree, and refused unless it
    lies inside ``root`` resolved the same way. The resolved path is returned, so what is
    checked is what is written.
    """
    if not parts:
        raise UnsafePath(f"No name was given for a file under {root}.")
    for part in parts:
        check_name(part)
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base):
        shown = "/".join(parts)
        raise UnsafePath(
            f"{shown} would be written to {target}, outside {base}: a link inside the folder "
            "leads elsewhere. Remove the link, or ask the administrator."
        )
    return target


def within(root: Path, path: Path) -> Path:
    """A path built earlier (say, kept in the journal), checked as :func:`safe_path` would."""
    base = root.resolve()
    for candidate in (path, path.resolve()):
        try:
            relative = candidate.relative_to(base)
        except ValueError:
            continue
        return safe_path(base, *relative.parts)
    raise UnsafePath(f"{path} is not inside {base}, where the pipeline writes these files.")


def fit_name(stem: str, tail: str) -> str:
    """``stem + tail``, with ``stem`` shortened so the name fits in :data:`MAX_NAME_BYTES`.

    For names made by adding to an officer's file name (``"<name> - problems.txt"``), so
    a long but legal file name still gets its report.
    """
    room = MAX_NAME_BYTES - len(tail.encode("utf-8", "surrogateescape"))
    encoded = stem.encode("utf-8", "surrogateescape")
    if len(encoded) > room:
        stem = encoded[: max(room, 1)].decode("utf-8", "ignore").rstrip() or "file"
    return stem + tail
