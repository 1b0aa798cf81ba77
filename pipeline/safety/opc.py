"""Where a package's relationships point: one rule for the gate and every reader after it.

An OOXML part's links live in ``<folder>/_rels/<name>.rels``; an internal link's target is
relative to the part's folder, or absolute from the package's root, and Word and Excel may
write it percent-escaped or with backslashes. The gate checks that every link points at a
part that is there; the readers (forms, register) follow the same links. They must resolve a
target the same way, or a part the gate found present is missing to a reader, or a reader
follows a link the gate never looked at. Nothing here reads a file.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ("" for the package's own: ``_rels/.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def target_part(source: str, target: str) -> str:
    """The part an internal relationship of ``source`` with ``Target`` ``target`` points to:
    escapes decoded, a ``#fragment`` dropped, backslashes read as slashes, and ``..`` never
    climbing above the package's root."""
    path = unquote(target).split("#")[0].replace("\\", "/")
    folder = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join("/" + folder, path)).lstrip("/")
