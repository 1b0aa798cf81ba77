"""The ceilings of the safety gate, in one value a caller (or a test) can tighten.

Kept apart so that every check, from the file's size down to a sheet's cells, reads its
bound from the same :class:`Limits` and no module owns another's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Ceilings that keep one hostile file from exhausting memory or time."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # sum of zip members
    max_member_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 200.0  # compression ratio of any big member
    max_members: int = 5000
    max_sheet_cells: int = 2_000_000  # from <dimension>, and counted cells / shared strings
    max_merged_ranges: int = 10_000  # openpyxl's merge handling is quadratic
    max_check_seconds: float = 8.0  # a hang guard: the check gives up, it never blocks


DEFAULT_LIMITS = Limits()
