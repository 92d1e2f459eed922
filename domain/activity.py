"""The EmailActivity aggregate: one input activity and every decision and write about it.

Its events are the audit trail (R21): recorded, recipients resolved, batch formed,
task created, relation added, sync failed, batch retired. Topics are explicit so
moving code never orphans stored history.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from domain.model import Activity, PlannedTask
from domain.org_changes import OrgChange, OrgState, written_state
from domain.payloads import RecipientData, TaskData, stored_recipients, stored_task

ACTIVITY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:activity")


def activity_uuid(source_id: str) -> uuid.UUID:
    """The aggregate id of an activity: re-ingesting the same source id hits the same id (R20)."""
    return uuid.uuid5(ACTIVITY_NAMESPACE, source_id)


class EmailActivity(Aggregate):
    """One activity, its plan, and what the org answered."""

    TOPIC = "activity_sync:EmailActivity"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:EmailActivity.Event"

        def apply(self, aggregate: EmailActivity) -> None:
            aggregate.apply(self)

    class Recorded(Aggregate.Created):
        """A valid input line or webhook item was accepted."""

        TOPIC = "activity_sync:EmailActivity.Recorded"
        activity: dict[str, Any]
        source: str  # e.g. "file:emails.jsonl:12", "stdin:3", "webhook"

    class RecipientsResolved(Event):
        """Each address's outcome, the directory facts used, and the settings in force."""

        TOPIC = "activity_sync:EmailActivity.RecipientsResolved"
        recipients: list[dict[str, Any]]  # each a RecipientData (domain.payloads)
        directory: dict[str, Any]
        settings_version: int
        settings: dict[str, Any]
        warnings: list[str]

    class BatchFormed(Event):
        """One Task (or Event) the activity should have (R6-R15). Version 2 says why a
        replay or re-planning formed it (`reason`: the settings change, support_disable,
        shared_activities_refused, people_gone, ...); None for a first plan."""

        TOPIC = "activity_sync:EmailActivity.BatchFormed"
        class_version = 2
        task: dict[str, Any]  # a TaskData (domain.payloads)
        settings_version: int
        replay_id: str | None
        reason: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not say why a batch was formed again."""
            state["reason"] = None

    class TaskCreated(Event):
        """The org holds the record for this sync key (created, or updated in place)."""

        TOPIC = "activity_sync:EmailActivity.TaskCreated"
        sync_key: str
        salesforce_id: str
        sobject: str
        created: bool | None
        who_ids: list[str]
        what_id: str | None
        attempt: int

    class RelationAdded(Event):
        """A secondary person was related to a written Task (TaskWhoIds / TaskRelation)."""

        TOPIC = "activity_sync:EmailActivity.RelationAdded"
        sync_key: str
        salesforce_id: str
        relation_id: str

    class SyncFailed(Event):
        """The org refused a write; Salesforce's own code and message are kept (R25)."""

        TOPIC = "activity_sync:EmailActivity.SyncFailed"
        sync_key: str
        code: str
        message: str
        retryable: bool
        attempt: int

    class RetryRequested(Event):
        """An admin re-queued a failed record."""

        TOPIC = "activity_sync:EmailActivity.RetryRequested"
        sync_key: str
        requested_by: str

    class BatchRetired(Event):
        """A planned Task no longer should exist (replay, or R18 re-planning)."""

        TOPIC = "activity_sync:EmailActivity.BatchRetired"
        sync_key: str
        reason: str
        replay_id: str | None
        delete_in_org: bool

    class TaskDeleted(Event):
        """A retired Task was deleted from the org (or was already gone)."""

        TOPIC = "activity_sync:EmailActivity.TaskDeleted"
        sync_key: str
        salesforce_id: str
        already_gone: bool

    class OrgChanged(Event):
        """The org changed a record the engine wrote (R27): an edit, relations, a deletion,
        an undeletion, a conversion or merge that moved it, archiving. `observed` is the
        org's state of the record at that check, the baseline of the next one."""

        TOPIC = "activity_sync:EmailActivity.OrgChanged"
        sync_key: str
        salesforce_id: str
        kind: str
        at: str | None
        by: str | None
        fields: list[str]
        detail: dict[str, Any]
        observed: dict[str, Any]

    class RedeliveryRefused(Event):
        """The same activity id arrived again with other content (R20): kept as rejected
        input (conflicting_duplicate), never silently dropped; the fields that differ."""

        TOPIC = "activity_sync:EmailActivity.RedeliveryRefused"
        source: str
        line: int | None
        fields: list[str]

    def __init__(self, activity: dict[str, Any], source: str) -> None:
        self.activity = activity
        self.source = source
        self.recipients: list[RecipientData] = []
        self.directory: dict[str, Any] = {}
        self.settings_version: int | None = None
        self.resolved_with: dict[str, Any] = {}  # the settings the recipients were judged under
        self.warnings: list[str] = []
        self.batches: dict[str, TaskData] = {}  # sync key -> planned task
        self.written: dict[str, str] = {}  # sync key -> Salesforce id
        # Sync keys the org holds a record for (written once, not deleted since), also while a
        # re-formed batch waits to be re-written: that write updates, so it sends no
        # create-only field (TaskSubtype).
        self.in_org: set[str] = set()
        # The people each key's last write related (TaskWhoIds): the org copy holds them
        # until the key is written again or deleted, also while a re-formed batch waits.
        self.people_written: dict[str, tuple[str, ...]] = {}
        self.failed: dict[str, str] = {}  # sync key -> permanent error code
        self.retired: set[str] = set()  # written, to be deleted from the org
        # Retired before any write was recorded: sync key -> sobject. A write that reached the
        # org just before a crash left no record, so the org is asked by key and any such
        # record deleted (R20: never a Task the plan no longer wants).
        self.unconfirmed: dict[str, str] = {}
        self.attempts: dict[str, int] = {}  # sync key -> failed attempts so far
        # R27: what the org did to written records, and its state at the last check.
        self.org_changes: dict[str, list[dict[str, Any]]] = {}
        self.observed: dict[str, dict[str, Any]] = {}

    # How each event changes the activity --------------------------------------

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type; Recorded and RelationAdded change nothing here."""
        match event:
            case EmailActivity.RecipientsResolved():
                self.recipients = stored_recipients(event.recipients)
                self.directory = event.directory
                self.settings_version = event.settings_version
                self.resolved_with = event.settings
                self.warnings = event.warnings
            case EmailActivity.BatchFormed():
                self._plan(stored_task(event.task))
            case EmailActivity.TaskCreated():
                self.written[event.sync_key] = event.salesforce_id
                self.in_org.add(event.sync_key)
                self.people_written[event.sync_key] = tuple(event.who_ids)
                self.observed.pop(event.sync_key, None)  # the org holds what was written
                self.failed.pop(event.sync_key, None)
                self.attempts.pop(event.sync_key, None)
            case EmailActivity.SyncFailed():
                self.attempts[event.sync_key] = event.attempt
                if not event.retryable:
                    self.failed[event.sync_key] = event.code
            case EmailActivity.RetryRequested():
                self.failed.pop(event.sync_key, None)
            case EmailActivity.BatchRetired():
                self._unplan(event.sync_key, event.delete_in_org)
            case EmailActivity.OrgChanged():
                change: dict[str, Any] = {"kind": event.kind, "at": event.at, "by": event.by}
                change |= {"fields": event.fields, "detail": event.detail}
                self.org_changes.setdefault(event.sync_key, []).append(change)
                self.observed[event.sync_key] = event.observed
            case EmailActivity.TaskDeleted():
                self.retired.discard(event.sync_key)
                self.unconfirmed.pop(event.sync_key, None)
                self.written.pop(event.sync_key, None)
                self.in_org.discard(event.sync_key)
                self.people_written.pop(event.sync_key, None)

    def _plan(self, task: TaskData) -> None:
        """A (re)formed batch starts over: not written, failed or retired yet."""
        key = task["sync_key"]
        self.batches[key] = task
        self.written.pop(key, None)
        self.failed.pop(key, None)
        self.retired.discard(key)
        self.unconfirmed.pop(key, None)

    def _unplan(self, key: str, delete_in_org: bool) -> None:
        """A retired batch leaves the plan; one written (or perhaps written) awaits deletion."""
        planned = self.batches.pop(key, None)
        self.failed.pop(key, None)
        if delete_in_org and key in self.written:
            self.retired.add(key)
        elif delete_in_org and planned is not None:
            self.unconfirmed[key] = planned["sobject"]
        else:
            self.written.pop(key, None)

    @classmethod
    def record(cls, activity: Activity, source: str) -> EmailActivity:
        return cls._create(
            cls.Recorded, id=activity_uuid(activity.id), activity=activity.to_dict(), source=source
        )

    # Read helpers ---------------------------------------------------------------

    @property
    def model(self) -> Activity:
        return Activity.from_dict(self.activity)

    @property
    def is_resolved(self) -> bool:
        return self.settings_version is not None

    def planned(self) -> list[PlannedTask]:
        return [PlannedTask.from_dict(t) for t in self.batches.values()]

    def pending_writes(self) -> list[PlannedTask]:
        """Planned records not yet written and not permanently failed."""
        return [
            PlannedTask.from_dict(task)
            for key, task in self.batches.items()
            if key not in self.written and key not in self.failed
        ]

    def holds_others(self, sync_key: str) -> bool:
        """The org copy of this key was last written with people besides its primary."""
        return len(self.people_written.get(sync_key, ())) > 1

    def pending_deletes(self) -> list[tuple[str, str]]:
        """(sync key, Salesforce id) of retired records still to delete from the org."""
        return [
            (key, self.written[key])
            for key in sorted(self.retired)
            if key in self.written and key not in self.failed
        ]

    def pending_checks(self) -> list[tuple[str, str]]:
        """(sync key, sobject) of retired records never recorded as written: delete if present."""
        return [(k, s) for k, s in sorted(self.unconfirmed.items()) if k not in self.failed]

    @property
    def is_settled(self) -> bool:
        """Nothing left for the worker to do (everything written, failed for good, deleted)."""
        return (
            self.is_resolved
            and not self.pending_writes()
            and not self.pending_deletes()
            and not self.pending_checks()
        )

    # Commands --------------------------------------------------------------------

    def resolve(
        self,
        recipients: list[dict[str, Any]],
        directory: dict[str, Any],
        settings: dict[str, Any],
        warnings: list[str],
    ) -> None:
        self.trigger_event(
            self.RecipientsResolved,
            recipients=recipients,
            directory=directory,
            settings_version=settings["version"],
            settings=settings,
            warnings=warnings,
        )

    def form_batch(
        self,
        task: PlannedTask,
        settings_version: int,
        replay_id: str | None,
        reason: str | None = None,
    ) -> None:
        self.trigger_event(
            self.BatchFormed,
            task=task.to_dict(),
            settings_version=settings_version,
            replay_id=replay_id,
            reason=reason,
        )

    def record_write(
        self, task: PlannedTask, salesforce_id: str, created: bool | None, attempt: int
    ) -> None:
        """The org holds the record (TaskCreated), and each secondary person is related."""
        self.trigger_event(
            self.TaskCreated,
            sync_key=task.sync_key,
            salesforce_id=salesforce_id,
            sobject=task.sobject,
            created=created,
            who_ids=list(task.who_ids),
            what_id=task.what_id,
            attempt=attempt,
        )
        for relation_id in task.who_ids[1:]:
            self.trigger_event(
                self.RelationAdded,
                sync_key=task.sync_key,
                salesforce_id=salesforce_id,
                relation_id=relation_id,
            )

    def record_failure(
        self, sync_key: str, code: str, message: str, retryable: bool, attempt: int
    ) -> None:
        """The org refused a write or a deletion (SyncFailed), with Salesforce's code (R25)."""
        self.trigger_event(
            self.SyncFailed,
            sync_key=sync_key,
            code=code,
            message=message,
            retryable=retryable,
            attempt=attempt,
        )

    def request_retry(self, sync_key: str, requested_by: str) -> None:
        if sync_key in self.failed:
            self.trigger_event(self.RetryRequested, sync_key=sync_key, requested_by=requested_by)

    def retire(self, sync_key: str, reason: str, replay_id: str | None) -> None:
        """Planned or written records leave the plan; the org loses them too. A planned one
        may be there although unrecorded (a crash after the write), so it is looked for."""
        if sync_key in self.batches or sync_key in self.written:
            self.trigger_event(
                self.BatchRetired,
                sync_key=sync_key,
                reason=reason,
                replay_id=replay_id,
                delete_in_org=True,
            )

    def baseline(self, sync_key: str) -> OrgState | None:
        """What the engine last knew of a written record: the org's state at the last check
        that saw a change, else what it wrote (None for a record it has not written)."""
        if sync_key in self.observed:
            return OrgState.from_dict(self.observed[sync_key])
        salesforce_id = self.written.get(sync_key)
        task = self.batches.get(sync_key)
        if salesforce_id is None or task is None:
            return None
        return written_state(sync_key, salesforce_id, task, list(task.get("who_ids") or ()))

    def record_org_changes(self, changes: list[OrgChange], now: OrgState) -> None:
        """R27: each change the org made to a written record, as an event (OrgChanged)."""
        for change in changes:
            self.trigger_event(
                self.OrgChanged,
                sync_key=now.sync_key,
                salesforce_id=now.salesforce_id,
                kind=change.kind,
                at=change.at,
                by=change.by,
                fields=list(change.fields),
                detail=dict(change.detail),
                observed=now.to_dict(),
            )

    def refuse_redelivery(self, source: str, line: int | None, fields: list[str]) -> None:
        """R20: the id came again with other content (RedeliveryRefused)."""
        self.trigger_event(self.RedeliveryRefused, source=source, line=line, fields=fields)

    def record_deletion(self, sync_key: str, salesforce_id: str, already_gone: bool) -> None:
        """A retired record left the org, or was already gone (TaskDeleted)."""
        self.trigger_event(
            self.TaskDeleted,
            sync_key=sync_key,
            salesforce_id=salesforce_id,
            already_gone=already_gone,
        )
