"""Daily trends (R23, R24): what each logged event adds to one UTC day's figures.

Pure: the SQL read model (`adapters/views/daily_trends.py`) applies the increments with
its position in the same transaction, so the figures are a view of the log and can be
rebuilt from it. A day counts:

- `synced`: activities with a Task or Event written that day (each activity once a day);
- `failed`: records the org refused for good that day (a retry refused again counts again);
- `api_calls`: the API calls sync chunks spent that day;
- `tasks_avoided`: for each shared Task created that day, its contacts less one (the Tasks
  one-Task-per-contact would have written besides it); a rewrite of an existing record
  (an upsert that updated it) avoids nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.activity import EmailActivity
from domain.sync_run import SyncRun

FIGURES = ("synced", "failed", "api_calls", "tasks_avoided")
TOPICS = (
    EmailActivity.TaskCreated.TOPIC,
    EmailActivity.SyncFailed.TOPIC,
    SyncRun.ChunkSynced.TOPIC,
)
MAX_DAYS = 366


@dataclass(frozen=True)
class DayIncrement:
    """What one event adds to one day; `activity` set when it counts a synced activity."""

    day: str  # YYYY-MM-DD, UTC
    failed: int = 0
    api_calls: int = 0
    tasks_avoided: int = 0
    activity: str | None = None  # counted once a day in `synced`


def day_of(moment: datetime) -> str:
    """The UTC day of a moment."""
    return moment.astimezone(UTC).date().isoformat()


def increment(event: Any) -> DayIncrement | None:
    """What the event adds to its day's figures; None for events that add nothing."""
    day = day_of(event.timestamp)
    if isinstance(event, EmailActivity.TaskCreated):
        contacts = len(event.who_ids)
        avoided = contacts - 1 if contacts > 1 and event.created is not False else 0
        return DayIncrement(day, tasks_avoided=avoided, activity=str(event.originator_id))
    if isinstance(event, EmailActivity.SyncFailed):
        return None if event.retryable else DayIncrement(day, failed=1)
    if isinstance(event, SyncRun.ChunkSynced):
        return DayIncrement(day, api_calls=event.api_calls) if event.api_calls else None
    return None


def last_days(today: date, count: int) -> list[str]:
    """The `count` UTC days ending with `today`, oldest first."""
    return [(today - timedelta(days=back)).isoformat() for back in range(count - 1, -1, -1)]


def filled(days: list[str], found: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """One row per day, oldest first; a day with nothing logged is all zeros."""
    return [
        {"date": day, **{name: int(found.get(day, {}).get(name, 0)) for name in FIGURES}}
        for day in days
    ]
