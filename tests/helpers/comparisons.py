"""A comparison with every kind of change, written by hand (not by ``diff``), for the tests
of the documents that show one: sections added, removed, changed and the same; paragraphs
added, removed, moved, changed word by word; every item style; tabs, line breaks, spaces
at the ends, XML's special characters and one character XML cannot hold."""

from __future__ import annotations

from pipeline.compare.diff import Change, Comparison, Item, SectionChanges

TITLE = "Budgets & <Care>"


def every_kind() -> Comparison:
    return Comparison(
        "1.1",
        "2",
        (
            SectionChanges(
                "a",
                'Added & "new"',
                (
                    Change("added", new=Item("heading", "A heading")),
                    Change("added", new=Item("bullet", " tab\there \u2019quoted\u2019 ")),
                ),
                "added",
            ),
            SectionChanges(
                "b", "Gone", (Change("removed", old=Item("number", "Removed\nline")),), "removed"
            ),
            SectionChanges(
                "c",
                "Changed",
                (
                    Change("same", Item("paragraph", "Same"), Item("paragraph", "Same")),
                    Change("moved_from", old=Item("row", "Row: a | b")),
                    Change("moved_to", new=Item("row", "Row: a | b")),
                    Change(
                        "changed",
                        Item("paragraph", "a b c"),
                        Item("paragraph", "a x c\x01"),
                        (("equal", "a "), ("delete", "b"), ("insert", "x"), ("equal", " c\x01")),
                    ),
                ),
                "changed",
            ),
            SectionChanges(
                "d", "Unchanged", (Change("same", Item("paragraph", "p"), Item("paragraph", "p")),)
            ),
        ),
    )
