"""What rules may judge about a written Task, and the notice body that tells a receiver about it.

The person fields (`Name.*`) are the Task's PRIMARY contact only, the first of
TaskCreated's who_ids (WhoId), never a secondary relation: Salesforce's own rule
filters on the Name field work this way (R26).
"""

from __future__ import annotations

from typing import Any

from domain.activity import EmailActivity
from domain.payloads import RecipientData, TaskData

CONTACT_PREFIX, LEAD_PREFIX = "003", "00Q"


def primary_of(activity: EmailActivity, event: EmailActivity.TaskCreated) -> dict[str, str | None]:
    """The Task's primary person: id, address, account and kind (Contact or Lead)."""
    task = activity.batches.get(event.sync_key)
    person_id = event.who_ids[0] if event.who_ids else (task["who_id"] if task else None)
    if not person_id:
        return {"id": person_id, "email": None, "account_id": None, "type": None}
    found = _recipient(activity.recipients, person_id)
    is_lead = person_id.startswith(LEAD_PREFIX) or (
        found is not None and found.get("lead_id") == person_id
    )
    kind = "Lead" if is_lead else "Contact"
    account = (found.get("account_id") if found else None) or (
        task["account_id"] if task and kind == "Contact" else None
    )
    email = found["address"] if found else None
    return {"id": person_id, "email": email, "account_id": account, "type": kind}


def _recipient(recipients: list[RecipientData], person_id: str) -> RecipientData | None:
    """The recipient matched to this Contact or Lead, if any."""
    return next(
        (r for r in recipients if person_id in (r.get("contact_id"), r.get("lead_id"))), None
    )


def task_facts(activity: EmailActivity, event: EmailActivity.TaskCreated) -> dict[str, str | None]:
    """Field name (as conditions spell it) -> value, for one written Task."""
    task = activity.batches.get(event.sync_key)
    fields = _fields(task)
    primary = primary_of(activity, event)
    return {
        "Subject": fields.get("Subject"),
        "Type": activity.activity.get("type"),
        "Shared": "true" if task and task["shared"] else "false",
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
    task = activity.batches.get(event.sync_key)
    fields = _fields(task)
    return {
        "time": event.timestamp.isoformat(),
        "task": {
            "salesforce_id": event.salesforce_id,
            "sync_key": event.sync_key,
            "sobject": event.sobject,
            "subject": fields.get("Subject"),
            "what_id": event.what_id,
            "owner_id": fields.get("OwnerId"),
            "shared": bool(task and task["shared"]),
            "member_count": len(event.who_ids),
        },
        "primary": primary_of(activity, event),
        "activity": {
            "id": activity.activity.get("id"),
            "type": activity.activity.get("type"),
            "occurred_at": activity.activity.get("occurred_at"),
        },
    }


def _fields(task: TaskData | None) -> dict[str, Any]:
    """The Task's Salesforce fields as planned (none when the plan no longer holds it)."""
    return (task.get("fields") if task else None) or {}
