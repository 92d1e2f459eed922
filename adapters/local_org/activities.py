"""Shared activities: who a Task or Event is related to, and the rules Salesforce enforces on it.

A Task's people are an ordered list, primary (WhoId) first, mirrored as TaskRelation rows with
IsWhat = false; its WhatId is one more row with IsWhat = true. The rows are kept even with
shared activities off (then the list is just [WhoId]) so the setting can change on restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.local_org import assumptions as a
from adapters.local_org.errors import SfError

MISSING: Any = object()
CONTACT, LEAD = "003", "00Q"
ACCOUNT, OPPORTUNITY, PROJECT = "001", "006", "a01"


@dataclass(frozen=True)
class Kind:
    """Names of one activity object and its relation object."""

    name: str
    relation: str
    parent_field: str
    junction: str


KINDS = {
    "Task": Kind("Task", "TaskRelation", "TaskId", "TaskWhoIds"),
    "Event": Kind("Event", "EventRelation", "EventId", "EventWhoIds"),
}
RELATION_KINDS = {k.relation: k for k in KINDS.values()}


def plan_whos(current: list[str], junction: Any = MISSING, who: Any = MISSING) -> list[str]:
    """The new ordered people (primary first) after a write (facts 1.3, emulator rules 8.3)."""
    if junction is not MISSING and junction:
        if who is not MISSING and who is not None:
            return [who] + [x for x in junction if x != who]
        return list(junction)
    if junction is not MISSING:  # null or []: all dropped, WhoId re-added
        primary = current[0] if current else None
        primary = primary if who is MISSING else who
        return [primary] if primary else []
    if who is MISSING:
        return list(current)
    if who is None:
        return list(current[1:]) if a.NULLING_WHO_DROPS_PRIMARY else list(current)
    return [who] + [x for x in current if x != who]


def check_whos(whos: list[str], field: str) -> None:
    """At most 50 Contacts or exactly one Lead, never both (facts 1.1, 1.4)."""
    leads = sum(1 for w in whos if w.startswith(LEAD))
    contacts = sum(1 for w in whos if w.startswith(CONTACT))
    if leads and contacts:
        raise SfError(a.SHARED_LIMIT_CODE, a.LEAD_WITH_CONTACTS, [field])
    if leads > 1:
        raise SfError(a.SHARED_LIMIT_CODE, a.TOO_MANY_LEADS, [field])
    if contacts > 50:
        raise SfError(a.SHARED_LIMIT_CODE, a.TOO_MANY_CONTACTS, [field])


def check_lead_what(whos: list[str], what: str | None, field: str = "WhatId") -> None:
    """A Task or Event whose WhoId is a Lead has no WhatId (Object Reference, WhoId/WhatId)."""
    if what and any(w.startswith(LEAD) for w in whos):
        raise SfError(a.LEAD_WITH_WHAT_CODE, a.LEAD_WITH_WHAT, [field])


def account_of(record_id: str | None, rows: dict[str, dict[str, Any]]) -> str | None:
    """The Account a related record stands for: itself, or its AccountId / Account__c."""
    if not record_id:
        return None
    if record_id.startswith(ACCOUNT):
        return record_id
    row = rows.get(record_id) or {}
    if record_id.startswith(PROJECT):
        return row.get("Account__c")
    return row.get("AccountId")


def derive_account(
    what: str | None, primary: str | None, rows: dict[str, dict[str, Any]]
) -> str | None:
    """Task.AccountId: WhatId's account, else the primary Contact's (facts 1.3, rule 8.5)."""
    if what and what[:3] in (ACCOUNT, OPPORTUNITY, PROJECT):
        return account_of(what, rows)
    if primary and primary.startswith(CONTACT):
        return account_of(primary, rows)
    return None


def activity_fields(
    kind: Kind, whos: list[str], what: str | None, rows: dict[str, Any]
) -> dict[str, Any]:
    """The Task/Event columns that follow from its people and related record."""
    primary = whos[0] if whos else None
    return {
        "WhoId": primary,
        kind.junction: list(whos),
        "WhoCount": len(whos),
        "WhatCount": 1 if what else 0,
        "AccountId": derive_account(what, primary, rows),
    }


def wanted_relations(whos: list[str], what: str | None) -> list[tuple[str, bool]]:
    """(RelationId, IsWhat) pairs the relation rows must hold, in order."""
    pairs = [(w, False) for w in whos]
    if what:
        pairs.append((what, True))
    return pairs
