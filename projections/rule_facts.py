"""What rules may judge about a written Task, and the notice body that tells a receiver about it.

The person fields (`Name.*`) are the Task's PRIMARY contact only, the first of
TaskCreated's who_ids (WhoId), never a secondary relation: Salesforce's own rule
filters on the Name field work this way (R26).
"""

from __future__ import annotations

from typing import Any

from domain.activity import EmailActivity

CONTACT_PREFIX, LEAD_PREFIX = "003", "00Q"


def primary_of(activity: EmailActivity, event: EmailActivity.TaskCreated) -> dict[str, str | None]:
    """The Task's primary person: id, address, account and kind (Contact or Lead)."""
    task = activity.batches.get(event.sync_key) or {}
    person_id = event.who_ids[0] if event.who_ids else task.get("who_id")
    found = next(
        (
            r
            for r in activity.recipients
            if person_id and person_id in (r.get("contact_id"), r.get("lead_id"))
        ),
        {},
    )
    kind = None
    if person_id:
        is_lead = found.get("lead_id") == person_id or person_id.startswith(LEAD_PREFIX)
        kind = "Lead" if is_lead else "Contact"
    account = found.get("account_id") or (task.get("account_id") if kind == "Contact" else None)
    return {"id": person_id, "email": found.get("address"), "account_id": account, "type": kind}


def task_facts(activity: EmailActivity, event: EmailActivity.TaskCreated) -> dict[str, str | None]:
    """Field name (as conditions spell it) -> value, for one written Task."""
    task = activity.batches.get(event.sync_key) or {}
    fields = task.get("fields") or {}
    primary = primary_of(activity, event)
    return {
        "Subject": fields.get("Subject"),
        "Type": activity.activity.get("type"),
        "Shared": "true" if task.get("shared") else "false",
        "WhatId": event.what_id,
        "OwnerId": fields.get("OwnerId"),
        "Sobject": event.sobject,
        "Name.Email": primary["email"],
        "Name.Id": primary["id"],
        "Name.AccountId": primary["account_id"],
        "Name.Type": primary["type"],
    }


def notice_body(activity: EmailActivity, event: EmailActivity.TaskCreated) -> dict[str, Any]:
    """The notice's content (the rule's name and the notice id are added when it is raised)."""
    task = activity.batches.get(event.sync_key) or {}
    fields = task.get("fields") or {}
    return {
        "time": event.timestamp.isoformat(),
        "task": {
            "salesforce_id": event.salesforce_id,
            "sync_key": event.sync_key,
            "sobject": event.sobject,
            "subject": fields.get("Subject"),
            "what_id": event.what_id,
            "owner_id": fields.get("OwnerId"),
            "shared": bool(task.get("shared")),
            "member_count": len(event.who_ids),
        },
        "primary": primary_of(activity, event),
        "activity": {
            "id": activity.activity.get("id"),
            "type": activity.activity.get("type"),
            "occurred_at": activity.activity.get("occurred_at"),
        },
    }
