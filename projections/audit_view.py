"""The task view's rules: what each stored event changes in the audit tables (pure, no SQL).

The SQL adapter (`adapters/views.py`) applies these changes in bulk with the tracking
position in the same transaction. Every change is one of two idempotent-in-order kinds:
`Put` (set some columns of one row, creating it when missing) and `Add` (add to counters
of one row). Both merge within a chunk, so a chunk of a thousand notifications becomes a
few bulk statements, and a rebuild from the log gives exactly the incremental content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from domain.activity import EmailActivity
from domain.model import CONTACT, LEAD
from domain.sync_run import SyncRun

TASKS = "view_tasks"
RELATIONS = "view_relations"
ACTIVITIES = "view_activities"
FAILURES = "view_failures"
REPLAYS = "view_replays"
SYNC_RUNS = "view_sync_runs"
COUNTERS = "view_counters"

LINE_REJECTED = "activity_sync:IngestRun.LineRejected"
REJECTED_LINES = "rejected_lines"

# Task status, and the outcome of an activity (R23).
PLANNED, WRITTEN, FAILED, RETIRED, DELETED = "planned", "written", "failed", "retired", "deleted"
SYNCED, PENDING, NOTHING_TO_WRITE = "synced", "pending", "nothing_to_write"
ACTIVITY_OUTCOMES = (SYNCED, PENDING, FAILED, NOTHING_TO_WRITE)


@dataclass(frozen=True)
class Put:
    """Set `values` on the row of `table` whose primary key is `key` (insert it when missing)."""

    table: str
    key: tuple[Any, ...]
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Add:
    """Add `deltas` to counter columns of one row (missing rows start at zero)."""

    table: str
    key: tuple[Any, ...]
    deltas: Mapping[str, int]


@dataclass
class ChunkChanges:
    """The merged changes of a chunk of events, ready for bulk statements."""

    puts: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = field(default_factory=dict)
    adds: dict[tuple[str, tuple[Any, ...]], dict[str, int]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # activities whose outcome may have changed

    def extend(self, changes: Iterable[Put | Add]) -> None:
        for change in changes:
            slot = (change.table, change.key)
            if isinstance(change, Put):
                self.puts.setdefault(slot, {}).update(change.values)
                if change.table in (TASKS, ACTIVITIES):
                    self.touched.add(str(change.values.get("activity_uuid") or change.key[0]))
            else:
                row = self.adds.setdefault(slot, {})
                for column, delta in change.deltas.items():
                    row[column] = row.get(column, 0) + delta


def is_followed(topic: str) -> bool:
    """Whether the view needs this notification decoded (others only advance the position)."""
    return topic.startswith(("activity_sync:EmailActivity.", "activity_sync:SyncRun."))


def rejected_line_changes() -> list[Put | Add]:
    """One kept bad input line (counted from its topic; its content stays in the log)."""
    return [Add(COUNTERS, (REJECTED_LINES,), {"value": 1})]


def view_changes(event: DomainEventProtocol[Any]) -> list[Put | Add]:
    """The view changes one domain event makes; unknown events change nothing."""
    handler = _HANDLERS.get(type(event))
    return handler(event) if handler else []


def activity_outcome(resolved: bool, tasks: Iterable[tuple[str, bool]]) -> str:
    """R23 outcome of one activity from its Tasks' (status, delete_in_org) pairs."""
    if not resolved:
        return PENDING
    rows = list(tasks)
    statuses = {status for status, _ in rows}
    if FAILED in statuses:
        return FAILED
    if PLANNED in statuses or any(s == RETIRED and delete for s, delete in rows):
        return PENDING
    if statuses & {WRITTEN, DELETED}:
        return SYNCED
    return NOTHING_TO_WRITE


def _at(moment: datetime) -> str:
    return moment.isoformat()


def _uuid(event: DomainEventProtocol[Any]) -> str:
    return str(event.originator_id)


def _recorded(e: EmailActivity.Recorded) -> list[Put | Add]:
    activity = e.activity
    values = {
        "source_id": activity.get("id"),
        "type": activity.get("type"),
        "sender": activity.get("sender"),
        "occurred_at": activity.get("occurred_at"),
        "subject": activity.get("subject"),
        "source": e.source,
        "recorded_at": _at(e.timestamp),
        "resolved": False,
        "status": PENDING,
        "updated_at": _at(e.timestamp),
    }
    return [Put(ACTIVITIES, (_uuid(e),), values)]


def _resolved(e: EmailActivity.RecipientsResolved) -> list[Put | Add]:
    outcomes = [r.get("outcome") for r in e.recipients]
    values = {
        "resolved": True,
        "settings_version": e.settings_version,
        "recipients": len(e.recipients),
        "contacts": outcomes.count(CONTACT),
        "leads": outcomes.count(LEAD),
        "updated_at": _at(e.timestamp),
    }
    return [Put(ACTIVITIES, (_uuid(e),), values)]


def _task(e: EmailActivity.Event, key: str, **values: Any) -> Put:
    return Put(TASKS, (key,), {"activity_uuid": _uuid(e), "updated_at": _at(e.timestamp), **values})


def _formed(e: EmailActivity.BatchFormed) -> list[Put | Add]:
    task = e.task
    changes: list[Put | Add] = [
        _task(
            e,
            task["sync_key"],
            sobject=task.get("sobject"),
            who_id=task.get("who_id"),
            what_id=task.get("what_id"),
            what_rule=task.get("what_rule"),
            account_id=task.get("account_id"),
            shared=bool(task.get("shared")),
            member_count=len(task.get("who_ids") or ()),
            batch_index=task.get("batch_index", 0),
            batch_count=task.get("batch_count", 1),
            status=PLANNED,
            delete_in_org=False,
            settings_version=e.settings_version,
            replay_id=e.replay_id,
            error_code=None,
            error_message=None,
        )
    ]
    if e.replay_id is not None:
        changes.append(_replay(e, task["sync_key"], "formed", e.replay_id, None))
    return changes


def _replay(
    e: EmailActivity.Event, key: str, kind: str, replay_id: str | None, reason: str | None
) -> Put:
    values = {
        "replay_id": replay_id,
        "sync_key": key,
        "kind": kind,
        "reason": reason,
        "at": _at(e.timestamp),
    }
    return Put(REPLAYS, (_uuid(e), e.originator_version), values)


def _created(e: EmailActivity.TaskCreated) -> list[Put | Add]:
    return [
        _task(
            e,
            e.sync_key,
            salesforce_id=e.salesforce_id,
            sobject=e.sobject,
            status=WRITTEN,
            attempt=e.attempt,
            error_code=None,
            error_message=None,
        )
    ]


def _related(e: EmailActivity.RelationAdded) -> list[Put | Add]:
    values = {"salesforce_id": e.salesforce_id, "at": _at(e.timestamp)}
    return [Put(RELATIONS, (e.sync_key, e.relation_id), values)]


def _failed(e: EmailActivity.SyncFailed) -> list[Put | Add]:
    task = {"attempt": e.attempt, "error_code": e.code, "error_message": e.message}
    if not e.retryable:
        task["status"] = FAILED
    failure = {
        "sync_key": e.sync_key,
        "code": e.code,
        "message": e.message,
        "retryable": e.retryable,
        "attempt": e.attempt,
        "at": _at(e.timestamp),
    }
    return [_task(e, e.sync_key, **task), Put(FAILURES, (_uuid(e), e.originator_version), failure)]


def _retry(e: EmailActivity.RetryRequested) -> list[Put | Add]:
    return [_task(e, e.sync_key, status=PLANNED)]


def _retired(e: EmailActivity.BatchRetired) -> list[Put | Add]:
    return [
        _task(e, e.sync_key, status=RETIRED, delete_in_org=e.delete_in_org, replay_id=e.replay_id),
        _replay(e, e.sync_key, "retired", e.replay_id, e.reason),
    ]


def _deleted(e: EmailActivity.TaskDeleted) -> list[Put | Add]:
    return [_task(e, e.sync_key, status=DELETED, delete_in_org=False)]


def _run_started(e: SyncRun.Started) -> list[Put | Add]:
    values = {
        "worker": e.worker,
        "settings_version": e.settings_version,
        "started_at": _at(e.timestamp),
    }
    return [Put(SYNC_RUNS, (_uuid(e),), values)]


def _chunk(e: SyncRun.ChunkSynced) -> list[Put | Add]:
    deltas = {
        "chunks": 1,
        "activities": e.activities,
        "emails": e.emails,
        "records_written": e.records_written,
        "records_failed": e.records_failed,
        "api_calls": e.api_calls,
    }
    changes: list[Put | Add] = [Add(SYNC_RUNS, (_uuid(e),), deltas)]
    if e.api_used is not None:
        usage = {"api_used": e.api_used, "api_limit": e.api_limit, "api_seen_at": _at(e.timestamp)}
        changes.append(Put(SYNC_RUNS, (_uuid(e),), usage))
    return changes


def _paused(e: SyncRun.Paused) -> list[Put | Add]:
    return [
        Add(SYNC_RUNS, (_uuid(e),), {"pauses": 1}),
        Put(SYNC_RUNS, (_uuid(e),), {"last_pause_reason": e.reason}),
    ]


def _finished(e: SyncRun.Finished) -> list[Put | Add]:
    values = {"finished_at": _at(e.timestamp), "pending": e.pending}
    return [Put(SYNC_RUNS, (_uuid(e),), values)]


_HANDLERS: dict[type, Any] = {
    EmailActivity.Recorded: _recorded,
    EmailActivity.RecipientsResolved: _resolved,
    EmailActivity.BatchFormed: _formed,
    EmailActivity.TaskCreated: _created,
    EmailActivity.RelationAdded: _related,
    EmailActivity.SyncFailed: _failed,
    EmailActivity.RetryRequested: _retry,
    EmailActivity.BatchRetired: _retired,
    EmailActivity.TaskDeleted: _deleted,
    SyncRun.Started: _run_started,
    SyncRun.ChunkSynced: _chunk,
    SyncRun.Paused: _paused,
    SyncRun.Finished: _finished,
}
