"""``pipeline status --check``: one verdict for a monitor, from what ``pipeline status`` reads.

A council's monitoring (Nagios, a systemd timer that mails on failure) needs a yes or no
and one line saying why: the watcher is running, nothing has waited longer than
``[watch] alert_minutes``, and the last run had no fault. It reads the same
:class:`~pipeline.watch.status.Status`, so the two never disagree; it writes nothing and
refuses to judge anything status does not show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.watch.status import Status


def problem(status: Status, alert_minutes: float, now: datetime | None = None) -> str | None:
    """The first reason a monitor should alert, as one line, or None when all is well."""
    now = now or datetime.now(UTC)
    limit = timedelta(minutes=alert_minutes)
    watcher = status.watcher
    if watcher is None:
        return "the watcher is not running (start it: systemctl start pipeline-watch)"
    if not watcher.running:
        return (
            f"the watcher (pid {watcher.pid} on {watcher.host}) is not running: {watcher.why_stale}"
        )
    batch = watcher.last_batch or {}
    if batch.get("error"):
        return f"the last batch failed: {batch['error']}"
    fault = status.last_fault
    newest = status.last_processed[0].when if status.last_processed else None
    if fault is not None and (newest is None or _aware(newest) <= _aware(fault.when)):
        return f"the last run stopped on a fault: {fault.message}"
    for path in status.waiting:
        try:
            since = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError:
            continue
        if now - since > limit:
            return f"{path.name} has waited in the inbox for more than {alert_minutes:g} minutes"
    lock = status.register_lock
    locked_since = lock.since if lock is not None else None
    if (
        status.register_waiting
        and lock is not None
        and locked_since
        and now - _aware(locked_since) > limit
    ):
        return (
            f"{status.register_waiting} register update(s) have waited more than "
            f"{alert_minutes:g} minutes: register.xlsx is {lock.holder()}"
        )
    return None


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.astimezone()
