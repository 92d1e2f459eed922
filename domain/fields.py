"""The Salesforce field values of a planned Task or Event (R15), by API name.

Lengths are counted in UTF-16 code units, as the platform counts them, so a subject full
of emoji never exceeds the limit; a surrogate pair is never split. The external id is not
here: the writer adds `settings.external_id_field` = the sync key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.model import Activity

SUBJECT_LIMIT = 255
DESCRIPTION_LIMIT = 32_000
NO_SUBJECT = "(no subject)"
PREFIXES = {
    "reply": "Replied: ",
    "open": "Opened: ",
    "click": "Clicked: ",
    "download": "Downloaded: ",
    "bounce": "Bounced: ",
    "meeting": "Meeting: ",
}
EMAIL_SUBTYPE_TYPES = ("sent", "reply")


def record_fields(activity: Activity, sobject: str, owner_id: str | None) -> dict[str, Any]:
    """Subject, Status, TaskSubtype, ActivityDate, Description, OwnerId (Tasks); Event times."""
    values: dict[str, Any] = {"Subject": subject(activity)}
    if sobject == "Task":
        values["Status"] = "Completed"
        if activity.type in EMAIL_SUBTYPE_TYPES:
            values["TaskSubtype"] = "Email"
        day = activity_date(activity.occurred_at)
        if day is not None:
            values["ActivityDate"] = day
    else:
        if activity.starts_at:
            values["StartDateTime"] = activity.starts_at
        if activity.ends_at:
            values["EndDateTime"] = activity.ends_at
    if activity.body:
        values["Description"] = cut(activity.body, DESCRIPTION_LIMIT)
    if owner_id:
        values["OwnerId"] = owner_id
    return values


def subject(activity: Activity) -> str:
    """R15: the type's prefix and the subject (a click's url, a download's file name)."""
    if activity.type == "sent":
        prefix = "Sent (Reply): " if activity.is_reply else "Sent (New): "
    else:
        prefix = PREFIXES.get(activity.type, "")
    text = activity.subject
    if activity.type == "click":
        text = activity.url or activity.subject
    elif activity.type == "download":
        text = activity.file_name or activity.subject
    return cut(prefix + (text or NO_SUBJECT), SUBJECT_LIMIT)


def activity_date(occurred_at: str) -> str | None:
    """The calendar date of an RFC 3339 timestamp in its own offset (its first ten characters)."""
    try:
        return date.fromisoformat(occurred_at[:10]).isoformat()
    except ValueError:
        return None


def cut(text: str, limit: int) -> str:
    """The longest prefix of `text` of at most `limit` UTF-16 code units."""
    if len(text) * 2 <= limit or utf16_length(text) <= limit:
        return text
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
