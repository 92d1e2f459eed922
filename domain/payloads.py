"""The plain-data shapes stored inside events: one recipient's outcome, one planned Task.

They describe what `Recipient.to_dict` and `PlannedTask.to_dict` write. Keys whose field
has a default are NotRequired: `from_dict` fills them in when stored history lacks them,
and readers use `.get` with that default. The events themselves annotate these payloads
as plain dicts (what `explain` takes); the aggregate and the views read them through
`stored_recipients` and `stored_task`.
"""

# No `from __future__ import annotations` here: TypedDict must see NotRequired unquoted to
# list a key among its optional ones at run time.
from typing import Any, NotRequired, TypedDict, cast


class RecipientData(TypedDict):
    """One address of an activity and its outcome (R1-R5), as RecipientsResolved holds it."""

    address: str
    given: str
    role: str  # to | cc | bcc | actor | attendee
    position: int
    outcome: str  # contact, lead, unmatched, excluded, invalid, bcc_skipped, duplicate, forgotten
    reason: NotRequired[str | None]
    contact_id: NotRequired[str | None]
    lead_id: NotRequired[str | None]
    account_id: NotRequired[str | None]
    ambiguous_ids: NotRequired[list[str]]


class TaskData(TypedDict):
    """One planned Task (or Event), as BatchFormed holds it (R6-R15)."""

    sync_key: str
    sobject: str  # Task | Event
    who_id: str | None
    who_ids: list[str]  # every related person, primary first
    what_id: str | None
    what_rule: str
    account_id: str | None
    shared: bool
    batch_index: NotRequired[int]
    batch_count: NotRequired[int]
    opportunities_considered: NotRequired[list[str]]
    warnings: NotRequired[list[str]]
    fields: NotRequired[dict[str, Any]]


def stored_recipients(recipients: list[dict[str, Any]]) -> list[RecipientData]:
    """RecipientsResolved's payload as the shape it was written in (no copy, no check)."""
    return cast(list[RecipientData], recipients)


def stored_task(task: dict[str, Any]) -> TaskData:
    """BatchFormed's payload as the shape it was written in (no copy, no check)."""
    return cast(TaskData, task)
