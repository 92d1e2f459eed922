"""What the console changes: retries of failed records and settings, always through events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from sqlalchemy import Engine

from adapters.views.task_view import catch_up
from adapters.web import queries
from domain.activity import EmailActivity
from domain.errors import ActivitySyncError, NotFound
from domain.settings import parse_setting
from projections.application import ActivitySyncApp

CHUNK = 200
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


def retry(
    app: ActivitySyncApp,
    engine: Engine,
    requested_by: str,
    code: str | None = None,
    sync_keys: list[str] | None = None,
) -> RetryResult:
    """Append RetryRequested for every failed record of `code` (or with these keys)."""
    catch_up(app, engine)
    found = queries.failed_records(engine, code=code, sync_keys=sync_keys)
    if sync_keys is not None and not found:
        raise NotFound("no failed record has sync key " + ", ".join(sync_keys))
    by_activity: dict[str, list[str]] = defaultdict(list)
    for activity_uuid, key in found:
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


def change_setting(app: ActivitySyncApp, key: str, value: str, changed_by: str) -> dict[str, Any]:
    """Change one setting as `settings set` does (R16); returns old, new and the version."""
    key = key.strip().replace("-", "_")
    parse_setting(key, value)
    before = app.settings()
    after = app.change_setting(key, value, changed_by)
    return {
        "key": key,
        "old": _plain(getattr(before, key)),
        "new": _plain(getattr(after, key)),
        "version": after.version,
        "changed": after.version != before.version,
    }


def preview_setting(app: ActivitySyncApp, key: str, value: str) -> dict[str, Any]:
    """What a change would do, for the confirmation (raises BadSetting like the change)."""
    key = key.strip().replace("-", "_")
    new = parse_setting(key, value)
    old = getattr(app.settings(), key)
    return {"key": key, "value": value, "old": _plain(old), "new": _plain(new), "same": old == new}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
