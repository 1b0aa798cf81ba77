"""One message per person: a batch's notices, gathered by recipient.

Why: an officer who drops 30 forms gets one email listing all 30, never 30 emails; each
message holds only the notices queued for its own recipient, so nobody reads another
officer's form. Gathering runs in one transaction, so a notice is in exactly one message.
It refuses to send (``send`` does).
"""

from __future__ import annotations

from collections import Counter

from pipeline.journal import mail
from pipeline.journal.store import Journal

KIND_WORDS = {
    "rejected": "not accepted",
    "accepted": "accepted",
    "published": "published",
}
SIGN_OFF = (
    "This message was sent by the policy pipeline. It lists only the forms and policies that "
    "concern you; reply to the policy team if anything looks wrong."
)


def subject_for(kinds: list[str]) -> str:
    """ "Policy forms: 1 not accepted, 2 accepted", in the order the words are listed."""
    counts = Counter(kinds)
    parts = [f"{counts[k]} {word}" for k, word in KIND_WORDS.items() if counts[k]]
    return "Policy forms: " + ", ".join(parts)


def compose(journal: Journal) -> int:
    """Turn every open notice into its recipient's message; how many messages were made."""
    made = 0
    with journal.writing():
        by_person: dict[str, list[mail.Notice]] = {}
        for notice in mail.open_notices(journal):
            by_person.setdefault(notice.recipient, []).append(notice)
        for recipient, notices in by_person.items():
            ordered = sorted(notices, key=lambda n: (list(KIND_WORDS).index(n.kind), n.id))
            body = (
                "Hello,\n\nThe policy pipeline has dealt with "
                + ("these forms" if len(ordered) > 1 else "this form")
                + ".\n\n"
                + "\n\n----------\n\n".join(n.body for n in ordered)
                + f"\n\n{SIGN_OFF}\n"
            )
            mail.add_message(
                journal,
                recipient,
                subject_for([n.kind for n in ordered]),
                body,
                [n.attachment for n in ordered if n.attachment],
                [n.id for n in ordered],
            )
            made += 1
    return made
