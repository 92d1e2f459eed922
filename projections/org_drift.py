"""Drift (R27): read what the org changed in the records the engine wrote, record it as events.

One look covers a window of the org's changes (since the last look): each change to a
written record becomes an OrgChanged event on its activity, shown by explain and stats;
each person the org converted, merged away or deleted becomes a PersonGone event, which
sync and replay follow so they never write a reference to that person again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.activity import EmailActivity
from domain.org_changes import OrgState, PersonFate, changes_between
from domain.org_watch import ORG_WATCH_ID, OrgWatch
from projections.application import ActivitySyncApp
from projections.ports import ChangeReader

SAVE_EVERY = 200  # activities per transaction
WRITTEN = EmailActivity.TaskCreated.TOPIC


@dataclass
class DriftReport:
    """What one look found: the window, the records read, each change, the people gone."""

    since: str | None = None
    until: str | None = None
    records_read: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    api_calls: int = 0
    # Another process (a worker, another look) changed these aggregates meanwhile: what this
    # look found was not all recorded, and the next look finds it again.
    interrupted: bool = False

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for change in self.changes:
            counted[change["kind"]] = counted.get(change["kind"], 0) + 1
        return counted


def load_watch(app: ActivitySyncApp) -> OrgWatch:
    try:
        found: OrgWatch = app.repository.get(ORG_WATCH_ID)
    except AggregateNotFoundError:
        return OrgWatch.create()
    return found


def people_gone(app: ActivitySyncApp) -> dict[str, PersonFate]:
    """Every person the org converted, merged away or deleted, as last seen (R27)."""
    return dict(load_watch(app).fates)


def is_due(app: ActivitySyncApp, minutes: float, now: datetime) -> bool:
    """Whether the last look is older than `minutes` (0: never due in a sync)."""
    if minutes <= 0:
        return False
    checked = load_watch(app).checked_at
    return (
        checked is None or (now - datetime.fromisoformat(checked)).total_seconds() >= minutes * 60
    )


def check_org(
    app: ActivitySyncApp,
    reader: ChangeReader,
    locate: Callable[[Sequence[str]], Mapping[str, UUID]],
    calls: Callable[[], int] = lambda: 0,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DriftReport:
    """Read the org's changes since the last look and record each one (R27)."""
    watch = load_watch(app)
    started = calls()
    found = reader.read_changes(watch.until)
    report = DriftReport(since=watch.until, until=found.until, records_read=len(found.records))
    for fate in found.people:
        if watch.fates.get(fate.person_id) != fate:
            report.people.append(fate.to_dict())
        watch.record_person_gone(fate)
    fates = dict(watch.fates)
    by_key = {record.sync_key: record for record in found.records}
    activities = _activities(app, locate(list(by_key)))
    changed: list[EmailActivity] = []
    for activity, keys in activities:
        for key in keys:
            _compare(activity, by_key[key], fates, report)
        if activity.pending_events:
            changed.append(activity)
        if len(changed) >= SAVE_EVERY:
            report.interrupted |= not _saved(app, changed)
            changed = []
    report.api_calls = calls() - started
    if not (report.changes or report.people) and _recent(watch.checked_at, now()):
        # Nothing new, and the last look was a moment ago: leave the log as it is (two
        # replay plans in a row see the same store); the window is read again next time.
        return report
    watch.record_check(
        watch.until, found.until, len(found.records), len(report.changes), report.api_calls
    )
    report.interrupted |= not _saved(app, [*changed, watch])
    return report


QUIET_SECONDS = 60.0


def _recent(checked_at: str | None, moment: datetime) -> bool:
    if checked_at is None:
        return False
    return (moment - datetime.fromisoformat(checked_at)).total_seconds() < QUIET_SECONDS


def _saved(app: ActivitySyncApp, aggregates: Sequence[Any]) -> bool:
    """Save; False when another process appended to one of them first (nothing is saved,
    and since the window only moves with this look's last save, nothing is lost)."""
    try:
        app.save(*aggregates)
    except IntegrityError:
        return False
    return True


def _activities(
    app: ActivitySyncApp, where: Mapping[str, UUID]
) -> list[tuple[EmailActivity, list[str]]]:
    keys_by_activity: dict[UUID, list[str]] = {}
    for key, activity_id in where.items():
        keys_by_activity.setdefault(activity_id, []).append(key)
    loaded = []
    for activity_id, keys in keys_by_activity.items():
        activity: EmailActivity = app.repository.get(activity_id)
        loaded.append((activity, sorted(keys)))
    return loaded


def _compare(
    activity: EmailActivity, now: OrgState, fates: Mapping[str, PersonFate], report: DriftReport
) -> None:
    before = activity.baseline(now.sync_key)
    if before is None:  # not a record this activity wrote (or one it retired)
        return
    changes = changes_between(before, now, fates)
    if not changes:
        return
    activity.record_org_changes(changes, now)
    source_id = activity.activity.get("id")
    for change in changes:
        report.changes.append(
            {
                "activity_id": source_id,
                "sync_key": now.sync_key,
                "salesforce_id": now.salesforce_id,
                "kind": change.kind,
                "at": change.at,
                "by": change.by,
                "fields": list(change.fields),
                "detail": dict(change.detail),
            }
        )
