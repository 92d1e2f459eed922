"""The records a stored directory names: id, object, Name, and the address of a person.

The lookup reads these names with the people it matches (adapters/salesforce/lookups.py);
RecipientsResolved keeps them in its `directory` (docs/audit.md, Names). This is the one
walk over that directory that explain and the names index share. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

PEOPLE = (("contacts_by_email", "Contact"), ("leads_by_email", "Lead"))
OPPORTUNITIES = ("opportunities_by_account", "roles_by_contact")


@dataclass(frozen=True)
class NamedRecord:
    """One record's Name; `address` is set for a person (Contact, Lead, User): their data."""

    record_id: str
    sobject: str
    name: str
    address: str | None = None


def named_records(directory: Mapping[str, Any]) -> Iterator[NamedRecord]:
    """Every record of the directory that has a name: people, Users, Accounts, Opportunities."""
    for key, sobject in PEOPLE:
        for address, facts in (directory.get(key) or {}).items():
            for fact in facts:
                if fact.get("name"):
                    yield NamedRecord(fact["id"], sobject, fact["name"], address)
    users = directory.get("users_by_email") or {}
    for address, name in (directory.get("user_names") or {}).items():
        if users.get(address) and name:
            yield NamedRecord(users[address], "User", name, address)
    for account_id, name in (directory.get("account_names") or {}).items():
        if name:
            yield NamedRecord(account_id, "Account", name)
    for key in OPPORTUNITIES:
        for facts in (directory.get(key) or {}).values():
            for fact in facts:
                if fact.get("name"):
                    yield NamedRecord(fact["id"], "Opportunity", fact["name"])
