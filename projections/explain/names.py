"""The names beside explain's ids: what the lookup read from the org with the people (R21).

Every name comes from the directory stored in RecipientsResolved, read by the same queries
that matched the people (docs/audit.md, Names): a Contact's or Lead's name beside its
address, an Account's and an Opportunity's by id, the sender's User by address. An id the
directory does not name (a record of another activity, a person merged in later) has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Names:
    """Names by record id, from one stored directory."""

    by_id: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, directory: Mapping[str, Any]) -> Names:
        found: dict[str, str] = {}
        for key in ("contacts_by_email", "leads_by_email"):
            for facts in (directory.get(key) or {}).values():
                found.update({f["id"]: f["name"] for f in facts if f.get("name")})
        for key in ("opportunities_by_account", "roles_by_contact"):
            for facts in (directory.get(key) or {}).values():
                for fact in facts:
                    if fact.get("name"):
                        found.setdefault(fact["id"], fact["name"])
        found.update({k: v for k, v in (directory.get("account_names") or {}).items() if v})
        users = directory.get("users_by_email") or {}
        for address, name in (directory.get("user_names") or {}).items():
            if users.get(address) and name:
                found[users[address]] = name
        return cls(found)

    def of_id(self, record_id: str | None) -> str | None:
        """The name of this record, when the directory read one."""
        return self.by_id.get(record_id) if record_id else None
