"""Taking dropped files from the inbox: never half-written, never twice, never lost.

``inbox`` claims a file by atomic rename into ``inbox/.processing``, archives accepted
originals, moves rejected ones beside their report and recovers claims a dead process
left; ``pending`` is the watcher's list of files still being written.
May import: workspace, safety, paths, atomic, errors (and the layers below them).
"""
