"""The task view's rules: what each stored EmailActivity event changes in the audit tables.

Pure, no SQL: the adapter (`adapters/views/task_view.py`) applies the changes in bulk with the
tracking position in the same transaction. Building blocks are in `view_changes`, the
sync-run and rejected-line rules in `audit_runs`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from domain.activity import EmailActivity
from domain.model import CONTACT, LEAD
from domain.payloads import stored_recipients, stored_task
from projections.audit_runs import LINE_REJECTED, RUN_HANDLERS, rejected_line_changes
from projections.view_changes import (
    ACTIVITIES,
    ACTIVITY_OUTCOMES,
    COUNTERS,
    DELETED,
    FAILED,
    FAILURES,
    NOTHING_TO_WRITE,
    ORG_CHANGES,
    PENDING,
    PLANNED,
    REJECTED_LINES,
    RELATIONS,
    REPLAYS,
    RESYNCS,
    RETIRED,
    SYNC_RUNS,
    SYNCED,
    TASK_IDS,
    TASKS,
    WRITTEN,
    Add,
    ChunkChanges,
    Put,
    activity_outcome,
)

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_OUTCOMES",
    "COUNTERS",
    "DELETED",
    "FAILED",
    "FAILURES",
    "LINE_REJECTED",
    "NOTHING_TO_WRITE",
    "ORG_CHANGES",
    "PENDING",
    "PLANNED",
    "REJECTED_LINES",
    "RELATIONS",
    "REPLAYS",
    "RESYNCS",
    "RETIRED",
    "SYNCED",
    "SYNC_RUNS",
    "TASK_IDS",
    "TASKS",
    "WRITTEN",
    "Add",
    "ChunkChanges",
    "Put",
    "activity_outcome",
    "is_followed",
    "rejected_line_changes",
    "view_changes",
]


def is_followed(topic: str) -> bool:
    """Whether the view needs this notification decoded (others only advance the position)."""
    return topic.startswith(("activity_sync:EmailActivity.", "activity_sync:SyncRun."))


def view_changes(event: Aggregate.Event) -> list[Put | Add]:
    """The view changes one domain event makes; unknown events change nothing."""
    handler = _HANDLERS.get(type(event))
    return handler(event) if handler else []


def _at(moment: datetime) -> str:
    return moment.isoformat()


def _uuid(event: Aggregate.Event) -> str:
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
    outcomes = [r["outcome"] for r in stored_recipients(e.recipients)]
    values = {
        "resolved": True,
        "settings_version": e.settings_version,
        "recipients": len(e.recipients),
        "contacts": outcomes.count(CONTACT),
        "leads": outcomes.count(LEAD),
        "updated_at": _at(e.timestamp),
    }
    return [Put(ACTIVITIES, (_uuid(e),), values)]


def _task(e: Aggregate.Event, key: str, **values: Any) -> Put:
    return Put(TASKS, (key,), {"activity_uuid": _uuid(e), "updated_at": _at(e.timestamp), **values})


def _formed(e: EmailActivity.BatchFormed) -> list[Put | Add]:
    task = stored_task(e.task)
    changes: list[Put | Add] = [
        _task(
            e,
            task["sync_key"],
            sobject=task["sobject"],
            who_id=task["who_id"],
            what_id=task["what_id"],
            what_rule=task["what_rule"],
            account_id=task["account_id"],
            shared=task["shared"],
            member_count=len(task["who_ids"]),
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
        changes.append(_replay(e, task["sync_key"], "formed", e.replay_id, e.reason))
    return changes


def _replay(
    e: Aggregate.Event, key: str, kind: str, replay_id: str | None, reason: str | None
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
    # Every Salesforce id a sync key ever had (a replay may replace the record): explain
    # finds a Task by any of them (R21), and a key with one has been in the org.
    ever = {"sync_key": e.sync_key, "activity_uuid": _uuid(e), "at": _at(e.timestamp)}
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
        ),
        Put(TASK_IDS, (e.salesforce_id,), ever),
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


def _org_changed(e: EmailActivity.OrgChanged) -> list[Put | Add]:
    change = {
        "sync_key": e.sync_key,
        "salesforce_id": e.salesforce_id,
        "kind": e.kind,
        "at": e.at,
        "by": e.by,
    }
    return [Put(ORG_CHANGES, (_uuid(e), e.originator_version), change)]


def _deleted(e: EmailActivity.TaskDeleted) -> list[Put | Add]:
    return [_task(e, e.sync_key, status=DELETED, delete_in_org=False)]


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
    EmailActivity.OrgChanged: _org_changed,
    **RUN_HANDLERS,
}
