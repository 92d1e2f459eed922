"""The sentences of `explain` (R21): why a recipient, a batch, a WhatId or a setting is what it is."""

from __future__ import annotations

from typing import Any

from domain.addresses import display_problem
from domain.model import (
    BCC_SKIPPED,
    CONTACT,
    DUPLICATE,
    EXCLUDED,
    FORGOTTEN,
    INVALID,
    LEAD,
    UNMATCHED,
)
from domain.settings import Settings

_EXCLUSION_RULES = {
    "sender": "it is the activity's own sender",
    "exclusion_list": "it is on the admin's exclusion list (entry '{v}')",
    "internal_domain": "it is on the org's internal domain '{v}'",
    "system_sender": "it is a system sender (local part '{v}')",
}


def split_reason(reason: str | None) -> tuple[str | None, str | None]:
    """`exclusion_list:acme.example` -> (`exclusion_list`, `acme.example`)."""
    if not reason:
        return None, None
    rule, _, value = reason.partition(":")
    return rule, value or None


def recipient_sentence(r: dict[str, Any]) -> str:
    outcome = r.get("outcome")
    rule, value = split_reason(r.get("reason"))
    if outcome == CONTACT:
        account = f" of Account {r['account_id']}" if r.get("account_id") else " (no Account)"
        text = f"Matched Contact {r.get('contact_id')}{account} by email (R5)."
        if r.get("ambiguous_ids"):
            others = ", ".join(r["ambiguous_ids"])
            text += f" Ambiguous: {others} share this address; the most recently modified won."
        return text
    if outcome == LEAD:
        return f"No Contact has this address; matched unconverted Lead {r.get('lead_id')} (R5)."
    if outcome == UNMATCHED:
        return "No Contact or unconverted Lead has this address: nothing is written for it (R5)."
    if outcome == INVALID:
        problem = display_problem(str(r.get("given") or ""))
        return f"Not a valid email address{f' ({problem})' if problem else ''}: skipped (R3)."
    if outcome == EXCLUDED:
        why = _EXCLUSION_RULES.get(rule or "", "rule '{r}'").format(v=value, r=rule)
        return f"Excluded because {why} (R4)."
    if outcome == FORGOTTEN:
        return "A forgotten person: erased at their request, on no Task (R29)."
    if outcome == BCC_SKIPPED:
        return "A Bcc recipient: Bcc is not synced while include_bcc is off (R2)."
    if outcome == DUPLICATE:
        earlier = int(value) + 1 if value and value.isdigit() else value
        if rule == "same_person_as":
            return f"The same person as recipient #{earlier}: counted once (R1)."
        return f"Repeats the address of recipient #{earlier}: counted once (R1)."
    return f"Outcome {outcome}" + (f" ({r.get('reason')})." if r.get("reason") else ".")


def shared_reason(settings: Settings, observed: dict[str, Any] | None) -> str:
    """R17: whether shared activities is in effect at this settings version, and why."""
    switch = settings.shared_activities
    if switch == "on":
        return "The engine's switch is 'on': shared Tasks are formed (R17)."
    if switch == "off":
        return "The engine's switch is 'off': individual Tasks only (R17)."
    seen = ""
    if observed:
        seen = f" (observed through {observed['source']} at {observed['at']})"
    if settings.org_shared_activities is None:
        return (
            "The switch is 'auto' and the org's setting was not observed yet: treated as off (R17)."
        )
    state = "enabled" if settings.org_shared_activities else "disabled"
    return f"The switch is 'auto' and the org has shared activities {state}{seen} (R17)."


def batch_sentence(task: dict[str, Any], activity: dict[str, Any], settings: Settings) -> str:
    """Why this record is shared or individual (R6-R14)."""
    kind = activity.get("type")
    if task.get("sobject") == "Event":
        return "A meeting is never shared: one Event per matched attendee (R12)."
    if task.get("what_rule") == "R9":
        return "A Lead never shares a Task: each matched Lead gets its own (R9)."
    if task.get("shared"):
        number, count = int(task.get("batch_index", 0)) + 1, task.get("batch_count", 1)
        return (
            f"Shared: a sent email with several matched Contacts (R6); batch {number} of {count}, "
            f"up to {settings.batch_size} Contacts in recipient order (R7), the first one is "
            "the primary (R8)."
        )
    if activity.get("related_to"):
        return "The activity belongs to a custom record: one Task per person, never shared (R13)."
    if kind != "sent":
        return f"An engagement ({kind}): one Task for the person who did it (R11)."
    if not settings.shared_in_effect:
        return "Shared activities is not in effect: one Task per matched Contact (R14)."
    return "Only one matched Contact: an individual Task (R6)."


def _qualifier(settings: Settings) -> str:
    text = "open or closed" if settings.include_closed_opportunities else "open"
    return text + (" and owned by the sender's User" if settings.owned_opportunities_only else "")


def what_sentence(task: dict[str, Any], activity: dict[str, Any], settings: Settings) -> str:
    """Which rule chose WhatId (R10a-d, R9, R13), in a sentence."""
    rule, what = task.get("what_rule"), task.get("what_id")
    account, considered = task.get("account_id"), len(task.get("opportunities_considered") or ())
    qualifier = _qualifier(settings)
    record = task.get("sobject") or "Task"
    if rule == "R10a":
        return (
            f"Opportunity mode 'account': one {record} for each {qualifier} Opportunity of the "
            f"primary's Account {account}; this one is related to Opportunity {what} (R10a)."
        )
    if rule == "R10b":
        return (
            f"Opportunity mode 'contact_role': one {record} for each {qualifier} Opportunity on "
            f"which the primary has a contact role; this one is related to {what} (R10b)."
        )
    if rule == "R10c":
        return (
            f"No {qualifier} Opportunity found for the primary ({considered} considered, mode "
            f"'{settings.opportunity_mode}'): WhatId is the primary's Account {account} (R10c)."
        )
    if rule == "R10d":
        return "The primary has no Opportunity and no Account: WhatId is empty (R10d)."
    if rule == "R9":
        return f"A Lead's {record} is related to no record: WhatId is empty (R9)."
    if rule == "R13":
        related = activity.get("related_to") or {}
        return (
            f"The activity belongs to {related.get('object')} {what}: WhatId is that record (R13)."
        )
    return f"WhatId {what} (rule {rule})."


def warning_entry(raw: str, members_accounts: list[str]) -> dict[str, Any]:
    """A planner warning as a structured entry; mixed_accounts names the other Accounts (R10e)."""
    code, _, detail = raw.partition(":")
    entry: dict[str, Any] = {"code": code, "detail": detail or None, "accounts": []}
    if code == "mixed_accounts":
        accounts = [a for a in detail.split(",") if a] or members_accounts
        entry["accounts"] = accounts
        entry["explanation"] = (
            f"Contacts of other Accounts ({', '.join(accounts)}) are in this batch; the Task is "
            "related to the primary's Account only (R10e; split_by_account would separate them)."
        )
    elif code == "lead_not_related":
        sobject, _, record = detail.partition(":")
        entry["record"] = {"object": sobject, "id": record}
        entry["explanation"] = (
            f"The activity belongs to {sobject} {record}, but this Task's Name is a Lead: "
            "Salesforce takes no WhatId on a Lead's Task or Event, so it is not related to it (R13)."
        )
    elif code in ("ambiguous_contact", "ambiguous_lead"):
        address, _, ids = detail.partition(":")
        entry["explanation"] = f"Several records share {address} ({ids}); the most recent won (R5)."
    else:
        entry["explanation"] = raw
    return entry


def people(count: int) -> str:
    """`1 person`, `3 people`."""
    return f"{count} person" if count == 1 else f"{count} people"
