"""Fields the org computes from others: names, IsClosed, event times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from adapters.local_org.assumptions import EVENT_END_BEFORE_START_CODE
from adapters.local_org.errors import SfError
from adapters.local_org.schema.catalog import CLOSED_STAGES, CLOSED_TASK_STATUSES
from adapters.local_org.values import format_datetime, now

Row = dict[str, Any]


def _name(row: Row, _before: Row | None) -> Row:
    parts = [row.get("FirstName"), row.get("LastName")]
    return {"Name": " ".join(p for p in parts if p) or None}


def _opportunity(row: Row, _before: Row | None) -> Row:
    stage = row.get("StageName")
    return {"IsClosed": stage in CLOSED_STAGES, "IsWon": CLOSED_STAGES.get(str(stage), False)}


def _task(row: Row, before: Row | None) -> Row:
    closed = row.get("Status") in CLOSED_TASK_STATUSES
    completed = (before or {}).get("CompletedDateTime") if closed else None
    return {
        "IsClosed": closed,
        "IsHighPriority": row.get("Priority") == "High",
        "CompletedDateTime": (completed or now()) if closed else None,
        "IsArchived": False,
    }


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def _event(row: Row, before: Row | None) -> Row:
    start = row.get("StartDateTime")
    if before is not None and start == before.get("StartDateTime"):
        start = row.get("ActivityDateTime") or start  # ActivityDateTime changed instead
    if start is None and row.get("IsAllDayEvent") and row.get("ActivityDate"):
        start = f"{row['ActivityDate']}T00:00:00.000+0000"
    if start is None:
        raise SfError(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [StartDateTime]",
            ["StartDateTime"],
        )
    end = row.get("EndDateTime")
    duration = row.get("DurationInMinutes")
    if end is None or (before is not None and duration != before.get("DurationInMinutes")):
        if duration is None:
            raise SfError(
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [EndDateTime]",
                ["EndDateTime"],
            )
        end = format_datetime(_parse(start) + timedelta(minutes=duration))
    minutes = int((_parse(end) - _parse(start)).total_seconds() // 60)
    if minutes < 0:
        raise SfError(
            EVENT_END_BEFORE_START_CODE,
            "End Date Time: End Date Time can't be earlier than Start Date Time",
            ["EndDateTime"],
        )
    return {
        "StartDateTime": start,
        "ActivityDateTime": start,
        "ActivityDate": start[:10],
        "EndDateTime": end,
        "DurationInMinutes": minutes,
        "IsArchived": False,
    }


_DERIVERS: dict[str, Callable[[Row, Row | None], Row]] = {
    "User": _name,
    "Contact": _name,
    "Lead": _name,
    "Opportunity": _opportunity,
    "Task": _task,
    "Event": _event,
}


def derive(sobject: str, row: Row, before: Row | None) -> Row:
    """The computed columns of `row` (the merged new state); `before` is None on create."""
    deriver = _DERIVERS.get(sobject)
    return deriver(row, before) if deriver else {}
