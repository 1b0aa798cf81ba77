"""The watched-folder service, its single-instance lock, ``pipeline status`` and its
``--check`` verdict, and the workspace's fault log.

May import: run, intake, journal, register (the register's lock file, for status),
workspace, faults, atomic, errors.
"""
