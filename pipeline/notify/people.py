"""Who is who: email addresses from forms and from the workspace's people.csv.

Why: forms name people as the framework writes them ("Sarah Mackereth, Principal Social
Worker"); ``people.csv`` (columns name, email, role) turns such a name into an address.
It refuses to reject anything: an address that does not parse is a warning for the log and
the officer, and the person simply gets no email.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path

log = logging.getLogger(__name__)

PEOPLE_FILE = "people.csv"
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def parse_address(text: str) -> str | None:
    """The one address in ``text`` ("sarah@x.gov.uk" or "Sarah <sarah@x.gov.uk>"), or None."""
    text = text.strip()
    if not text:
        return None
    found = getaddresses([text])
    if len(found) != 1:  # two addresses in one field: which one is the officer's?
        return None
    address = found[0][1]
    return address if _ADDRESS.match(address) else None


def _name_key(text: str) -> str:
    """A person's name without the job title after the comma, in any case and spacing."""
    return " ".join(text.split(",", 1)[0].split()).casefold()


@dataclass
class People:
    """The workspace's directory: name -> address, and the warnings reading it gave."""

    addresses: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> People:
        people = cls()
        path = root / PEOPLE_FILE
        if not path.is_file():
            return people
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            people.warn(f"{path} could not be read ({exc}); nobody is looked up in it.")
            return people
        for number, row in enumerate(rows, start=2):
            row = {str(k).strip().casefold(): (v or "").strip() for k, v in row.items() if k}
            name, email = row.get("name", ""), row.get("email", "")
            address = parse_address(email)
            if not name:
                continue
            if address is None:
                people.warn(f"{path} line {number}: {email!r} is not an email address.")
                continue
            people.addresses[_name_key(name)] = address
        return people

    def warn(self, text: str) -> None:
        log.warning("%s", text)
        self.warnings.append(text)

    def address_for(self, text: str) -> str | None:
        """An address written in ``text``, else the address people.csv has for that name."""
        return parse_address(text) or self.addresses.get(_name_key(text)) if text else None
