"""The watched-folder service, its single-instance lock, and ``pipeline status``.

May import: run, intake, journal, workspace, atomic, errors.
"""
