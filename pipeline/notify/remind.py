"""Review reminders: each business owner their policies due soon, due and overdue; the
policy manager a weekly digest of all of them.

Why: managers should not have to open the register to learn what is overdue. Each reminder
is queued once per policy, per stage (due soon, due, overdue) and per review date, and
recorded as sent in the same transaction, so ``pipeline remind`` run hourly sends nothing
twice, and a policy reviewed since (a new review date) is reminded afresh. The digest goes
once per ISO week. It refuses to guess addresses: an owner people.csv does not know is
listed in the digest and in the command's output, and reminded once they are added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pipeline.journal import mail
from pipeline.journal.store import Journal
from pipeline.notify.compose import SIGN_OFF
from pipeline.notify.people import People
from pipeline.notify.send import Delivery, deliver
from pipeline.notify.settings import MailSettings
from pipeline.register.layout import review_date

STAGES = ("overdue", "due", "due soon")
DIGEST = "weekly digest"


def stage_of(when: date, today: date, due_soon_days: int) -> str | None:
    """ "overdue" before today, "due" today, "due soon" within the warning period."""
    if when < today:
        return "overdue"
    if when == today:
        return "due"
    if when <= today + timedelta(days=due_soon_days):
        return "due soon"
    return None


@dataclass(frozen=True)
class Due:
    ref: str
    title: str
    owner: str
    stage: str
    when: date

    def line(self) -> str:
        return f"{self.ref}  {self.title}: review {self.stage}, {self.when:%d/%m/%Y}"


@dataclass
class Reminders:
    """What one ``pipeline remind`` queued."""

    owners: dict[str, list[Due]] = field(default_factory=dict)
    unreached: list[Due] = field(default_factory=list)
    digest_to: str = ""
    due: list[Due] = field(default_factory=list)


def _subject(items: list[Due]) -> str:
    counts = {s: sum(1 for i in items if i.stage == s) for s in STAGES}
    return "Policy reviews: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def _body(opening: str, items: list[Due]) -> str:
    lines = "\n".join(i.line() for i in sorted(items, key=lambda i: (i.when, i.ref)))
    return f"Hello,\n\n{opening}\n\n{lines}\n\n{SIGN_OFF}\n"


def queue_reminders(
    journal: Journal, people: People, due_soon_days: int, today: date, manager: str = ""
) -> Reminders:
    """Queue each owner's new reminders and, once a week, the manager's digest."""
    found = Reminders()
    for policy in journal.policies():
        item = _due(policy, today, due_soon_days)
        if item is not None:
            found.due.append(item)
    week = "{}-W{:02d}".format(*today.isocalendar()[:2])
    with journal.writing():
        fresh: dict[str, list[Due]] = defaultdict(list)
        for item in found.due:
            if mail.reminded(journal, item.ref, item.stage, item.when.isoformat()):
                continue
            address = people.address_for(item.owner)
            if address is None:
                found.unreached.append(item)
                continue
            fresh[address].append(item)
            mail.record_reminder(journal, item.ref, item.stage, item.when.isoformat())
        for address, items in fresh.items():
            opening = (
                "You are the business owner of these policies. Their reviews are due soon, "
                "due or overdue; the policy team's register has the details."
            )
            mail.add_message(journal, address, _subject(items), _body(opening, items), [])
        found.owners = dict(fresh)
        if manager and found.due and not mail.reminded(journal, "*", DIGEST, week):
            opening = f"Every policy review due within {due_soon_days} days or overdue:"
            lines = [*found.due]
            body = _body(opening, lines).replace(
                SIGN_OFF, _owners_note(found.due, people) + "\n\n" + SIGN_OFF
            )
            mail.add_message(journal, manager, f"Weekly digest: {_subject(lines)}", body, [])
            mail.record_reminder(journal, "*", DIGEST, week)
            found.digest_to = manager
    return found


def _owners_note(items: list[Due], people: People) -> str:
    unknown = sorted({i.owner or "(none named)" for i in items if not people.address_for(i.owner)})
    if not unknown:
        return "Every business owner above has been reminded by email."
    return "No email address for these business owners (add them to people.csv): " + "; ".join(
        unknown
    )


def _due(policy: dict[str, Any], today: date, due_soon_days: int) -> Due | None:
    when = review_date(policy)
    stage = stage_of(when, today, due_soon_days) if when is not None else None
    if when is None or stage is None:
        return None
    return Due(
        ref=str(policy.get("ref", "")),
        title=str(policy.get("title", "")),
        owner=str(policy.get("business_owner") or policy.get("plan_business_owner") or ""),
        stage=stage,
        when=when,
    )


def remind(
    journal: Journal, settings: MailSettings | None, people: People, due_soon_days: int, today: date
) -> tuple[Reminders, Delivery]:
    """Queue the reminders due today (only with mail settings), then send all mail waiting."""
    if settings is None:
        return Reminders(), Delivery()
    found = queue_reminders(journal, people, due_soon_days, today, settings.manager)
    return found, deliver(journal, settings, everything=True)
