"""Retrying records Salesforce refused for good: a RetryRequested event each (R25).

The console and `activity-sync retry` both re-queue through here; the sync worker then
writes the records again. Which records failed is the read side's answer (the task
view), handed in as (activity uuid, sync key) pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.activity import EmailActivity
from domain.errors import ActivitySyncError
from projections.application import ActivitySyncApp

CHUNK = 200  # activities per transaction
ATTEMPTS = 5


@dataclass
class RetryResult:
    """Records re-queued (RetryRequested appended) and those no longer failed when asked."""

    requested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": len(self.requested),
            "sync_keys": self.requested,
            "skipped": self.skipped,
        }


def request_retries(
    app: ActivitySyncApp, failed: Iterable[tuple[str, str]], requested_by: str
) -> RetryResult:
    """Append RetryRequested for each (activity uuid, sync key), a chunk of activities at a time."""
    by_activity: dict[str, list[str]] = defaultdict(list)
    for activity_uuid, key in failed:
        by_activity[activity_uuid].append(key)
    result = RetryResult()
    items = list(by_activity.items())
    for start in range(0, len(items), CHUNK):
        _retry_chunk(app, dict(items[start : start + CHUNK]), requested_by, result)
    return result


def _retry_chunk(
    app: ActivitySyncApp, keys: dict[str, list[str]], requested_by: str, result: RetryResult
) -> None:
    """One transaction; the sync worker saving the same activity meanwhile means: load again."""
    for _ in range(ATTEMPTS):
        changed: list[EmailActivity] = []
        done: list[str] = []
        skipped: list[str] = []
        for activity_uuid, wanted in keys.items():
            activity = app.activity_by_uuid(UUID(activity_uuid))
            if activity is None:
                skipped.extend(wanted)
                continue
            before = len(activity.pending_events)
            for key in wanted:
                activity.request_retry(key, requested_by)
                (done if len(activity.pending_events) > before else skipped).append(key)
                before = len(activity.pending_events)
            if activity.pending_events:
                changed.append(activity)
        try:
            if changed:
                app.save(*changed)
        except IntegrityError:
            continue
        result.requested.extend(done)
        result.skipped.extend(skipped)
        return
    raise ActivitySyncError("the records kept changing while retrying; try again")
