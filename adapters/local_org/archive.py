"""Archived activities: Tasks and Events dated more than N days ago (`--archive-after-days`).

Computed when rows are read, never stored, so it costs one date comparison a row, needs no
background job, and is right whatever day it is. /query leaves archived rows out, /queryAll and
reads by Id (GET, PATCH, upsert by external id) still find them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

ARCHIVED_OBJECTS = frozenset({"Task", "Event"})


def cutoff(days: int | None, today: date | None = None) -> str | None:
    """The first date that is not archived (ISO text), None when nothing is archived."""
    if days is None:
        return None
    today = today or datetime.now(UTC).date()
    return (today - timedelta(days=days)).isoformat()


def activity_day(sobject: str, row: dict[str, Any]) -> str | None:
    """The date archiving looks at: an Event's end, a Task's due date (else its creation)."""
    if sobject == "Event":
        moment = row.get("EndDateTime") or row.get("ActivityDate")
    else:
        moment = row.get("ActivityDate") or row.get("CreatedDate")
    return str(moment)[:10] if moment else None


def mark(sobject: str, rows: list[dict[str, Any]], first_kept: str) -> None:
    """Set IsArchived on each row of a Task or Event read."""
    for row in rows:
        day = activity_day(sobject, row)
        row["IsArchived"] = day is not None and day < first_kept
