"""The sync worker: pending activities -> lookups, plans, batched writes, recorded outcomes.

Order matters for R20: decisions (RecipientsResolved, BatchFormed) are saved before
anything is written, writes are upserts by sync key, and outcomes are saved before
the activity is settled in the queue. A crash anywhere repeats work, never duplicates it.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.activity import EmailActivity
from domain.addresses import normalise
from domain.model import Directory, PlannedTask, WriteOutcome
from domain.org_changes import remapped_task
from domain.planner import plan_activity
from domain.settings import Settings
from domain.sync_run import SyncRun
from projections.application import ActivitySyncApp
from projections.org_drift import people_gone
from projections.ports import (
    BudgetExhausted,
    DirectoryLookup,
    PermanentSyncError,
    RetryableSyncError,
    SyncError,
    TaskWriter,
    WorkQueue,
)
from projections.replan import plan_from_history, record_plan
from projections.tracker import SettingsTracker


@dataclass
class SyncSummary:
    """What a run did; `paused` says why it stopped early, if it did."""

    activities: int = 0
    resolved: int = 0
    tasks_written: int = 0
    events_written: int = 0
    records_failed: int = 0
    records_deferred: int = 0
    deleted: int = 0
    replanned: int = 0
    api_calls: int = 0
    pending: int = 0
    paused: str | None = None
    detail: str | None = None
    failures: dict[str, int] = field(default_factory=dict)  # records_failed by error code

    def count_failure(self, code: str) -> None:
        """One record refused for good: counted, and under its code (they always add up)."""
        self.records_failed += 1
        self.failures[code] = self.failures.get(code, 0) + 1


# Shared activities forced on, the org refusing TaskWhoIds (R18): the engine's own code.
SHARED_UNAVAILABLE = "SHARED_ACTIVITIES_UNAVAILABLE"


@dataclass
class WorkerOptions:
    chunk_size: int = 1000
    lease_seconds: float = 600.0
    retry_base_seconds: float = 5.0
    retry_cap_seconds: float = 3600.0
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


def _addresses(activity: EmailActivity) -> set[str]:
    data = activity.activity
    given = [*data.get("to", ()), *data.get("cc", ()), *data.get("bcc", ())]
    if data.get("actor"):
        given.append(data["actor"])
    return {normalise(address) for address in given if address.strip()}


def _sender(activity: EmailActivity) -> str:
    return normalise(str(activity.activity["sender"]))


class SyncWorker:
    """Takes pending activities in chunks and carries them into the org."""

    def __init__(
        self,
        app: ActivitySyncApp,
        queue: WorkQueue,
        directory: DirectoryLookup,
        writer: TaskWriter,
        tracker: SettingsTracker,
        calls: Callable[[], int],
        options: WorkerOptions | None = None,
        clock: Callable[[], float] = time.time,
        after_write: Callable[[list[WriteOutcome]], None] | None = None,
    ) -> None:
        self.app = app
        self.queue = queue
        self.directory = directory
        self.writer = writer
        self.tracker = tracker
        self.calls = calls
        self.options = options or WorkerOptions()
        self.clock = clock
        self.after_write = after_write or (lambda outcomes: None)
        self.random = random.Random()

    def run(
        self,
        progress: Callable[[SyncSummary], None] | None = None,
        max_chunks: int | None = None,
    ) -> SyncSummary:
        """Process everything pending (or `max_chunks` chunks); stop early at the budget."""
        summary = SyncSummary()
        run = SyncRun.start(self.options.owner, self.app.settings().version)
        chunks = 0
        try:
            while max_chunks is None or chunks < max_chunks:
                self.queue.catch_up()
                ids = self.queue.claim(
                    self.options.owner, self.options.chunk_size, self.options.lease_seconds
                )
                if not ids:
                    break
                chunks += 1
                try:
                    self._chunk(ids, run, summary)
                except BudgetExhausted as stop:
                    self._pause(run, summary, ids, "budget", str(stop))
                    break
                except RetryableSyncError as stop:
                    self._pause(run, summary, ids, "org_unavailable", str(stop))
                    break
                except BaseException:
                    self.queue.release(self.options.owner, ids)
                    raise
                if progress:
                    progress(summary)
        finally:
            summary.pending = self.queue.pending_count()
            run.finish(summary.pending)
            self.app.save(run)
        return summary

    def _pause(
        self, run: SyncRun, summary: SyncSummary, ids: list[UUID], reason: str, detail: str
    ) -> None:
        self.queue.release(self.options.owner, ids)
        summary.paused, summary.detail = reason, detail
        run.pause(reason, {"message": detail})

    # One chunk ------------------------------------------------------------------------

    def _chunk(self, ids: Sequence[UUID], run: SyncRun, summary: SyncSummary) -> None:
        calls_before = self.calls()
        activities = self.app.activities_by_uuid(ids)
        settings = self.tracker.current()
        first = [a for a in activities if not a.is_resolved]
        self._resolve(first, settings, summary)
        written, failed = self._write_all(activities, settings, summary)
        self._delete_retired(activities, summary)
        calls = self.calls() - calls_before
        summary.activities += len(activities)
        summary.api_calls += calls
        usage = self._usage()
        again = len(activities) - len(first)  # synced before: a replay, a retry, R18
        run.record_chunk(
            activities=len(activities),
            emails=sum(1 for a in first if a.activity["type"] == "sent"),
            resynced=again,
            resync_api_calls=round(calls * again / len(activities)) if activities else 0,
            records_written=written,
            records_failed=failed,
            api_calls=calls,
            api_used=usage[0],
            api_limit=usage[1],
        )
        try:
            self.app.save(*activities, run)
        except IntegrityError:
            # Someone else appended to one of these activities meanwhile (replay, another
            # worker after a lease expired). Our writes were upserts: redo them later.
            self.queue.release(self.options.owner, list(ids))
            return
        self._settle(activities)

    def _usage(self) -> tuple[int | None, int | None]:
        usage_of = getattr(self.writer, "api_usage", None)
        if usage_of is None:
            return None, None
        try:
            usage = usage_of()
        except Exception:  # noqa: BLE001 - usage is informative only; never fail a chunk on it
            return None, None
        return usage.used, usage.limit

    def _settle(self, activities: list[EmailActivity]) -> None:
        done = {a.id: a.version for a in activities if a.is_settled}
        later = {
            a.id: self.clock() + self._delay(max(a.attempts.values(), default=1))
            for a in activities
            if not a.is_settled
        }
        if done:
            self.queue.settle(self.options.owner, done)
        if later:
            self.queue.defer(self.options.owner, later)

    def _delay(self, attempt: int) -> float:
        ceiling = min(
            self.options.retry_cap_seconds, self.options.retry_base_seconds * 2 ** (attempt - 1)
        )
        return self.random.uniform(ceiling / 2, ceiling)

    # Resolve and plan -------------------------------------------------------------------

    def _resolve(
        self, activities: list[EmailActivity], settings: Settings, summary: SyncSummary
    ) -> None:
        if not activities:
            return
        addresses = set().union(*(_addresses(a) for a in activities))
        senders = {_sender(a) for a in activities}
        directory = self.directory.lookup(sorted(addresses), sorted(senders))
        in_force = settings.to_dict()  # the same for the whole chunk: built once
        for activity in activities:
            facts = directory.restricted_to(_addresses(activity), {_sender(activity)})
            plan = plan_activity(activity.model, facts, settings)
            activity.resolve(
                [r.to_dict() for r in plan.recipients],
                facts.to_dict(),
                dict(in_force),
                list(plan.warnings),
            )
            for task in plan.tasks:
                activity.form_batch(task, settings.version, None)
        self.app.save(*activities)  # decisions are stored before anything is written (R20)
        summary.resolved += len(activities)

    # Write --------------------------------------------------------------------------------

    def _write_all(
        self, activities: list[EmailActivity], settings: Settings, summary: SyncSummary
    ) -> tuple[int, int]:
        self._follow_people(activities, settings)
        written, failed, refused = self._write(activities, settings, summary)
        if refused:
            settings = self.tracker.current(force=True)  # R17/R18: read the org again now
            if not settings.shared_in_effect:
                for activity in refused:
                    record_plan(
                        activity,
                        plan_from_history(activity, settings, people_gone(self.app)),
                        settings,
                        reason="shared_activities_refused",
                    )
                summary.replanned += len(refused)
                self.app.save(*refused)  # the new decisions, before writing them
                more_written, more_failed, _ = self._write(refused, settings, summary)
                written, failed = written + more_written, failed + more_failed
            else:
                failed += self._fail_refused(refused, summary)
        return written, failed

    def _follow_people(self, activities: list[EmailActivity], settings: Settings) -> None:
        """R27: a record still to write that names a person the org converted, merged away or
        deleted is planned again with who the org holds now (the converted Contact, the
        survivor, or without them), so no write references a gone record."""
        fates = people_gone(self.app)
        if not fates:
            return
        changed = []
        for activity in activities:
            for task in activity.pending_writes():
                now = remapped_task(task, fates)
                if now is None:
                    activity.retire(task.sync_key, "people_gone", None)
                elif now != task:
                    activity.form_batch(now, settings.version, None, "people_gone")
            if activity.pending_events:
                changed.append(activity)
        if changed:
            self.app.save(*changed)  # the new decisions, before anything is written (R20)

    def _write(
        self, activities: list[EmailActivity], settings: Settings, summary: SyncSummary
    ) -> tuple[int, int, list[EmailActivity]]:
        work = [(a, t) for a in activities for t in a.pending_writes()]
        if not work:
            return 0, 0, []
        existing = {key for a in activities for key in a.in_org}
        org_shares = settings.org_shared_activities is not False
        sent = [as_sent(activity, task, org_shares) for activity, task in work]
        try:
            outcomes = self.writer.write(sent, existing)
        except PermanentSyncError as error:
            outcomes = [self._as_outcome(task, error) for task in sent]
        self.after_write(outcomes)
        written = failed = 0
        refused: dict[object, EmailActivity] = {}
        for (activity, task), shown, outcome in zip(work, sent, outcomes, strict=True):
            attempt = activity.attempts.get(task.sync_key, 0) + 1
            if outcome.ok and outcome.salesforce_id:
                activity.record_write(task, outcome.salesforce_id, outcome.created, attempt)
                written += 1
                if task.sobject == "Event":
                    summary.events_written += 1
                else:
                    summary.tasks_written += 1
            elif outcome.shared_refused and shown.shared:
                refused[activity.id] = activity
            else:
                code = outcome.code or "UNKNOWN_ERROR"
                message = outcome.message or ""
                activity.record_failure(task.sync_key, code, message, outcome.retryable, attempt)
                if outcome.retryable:
                    summary.records_deferred += 1
                else:
                    failed += 1
                    summary.count_failure(code)
        return written, failed, list(refused.values())

    @staticmethod
    def _as_outcome(task: PlannedTask, error: PermanentSyncError) -> WriteOutcome:
        shared_refused = task.shared and "TaskWhoIds" in error.message
        return WriteOutcome(
            sync_key=task.sync_key,
            ok=False,
            code=error.code,
            message=error.message,
            shared_refused=shared_refused,
        )

    def _fail_refused(self, activities: list[EmailActivity], summary: SyncSummary) -> int:
        """Shared activities is forced on but the org refuses it: fail visibly, keep the plan."""
        failed = 0
        for activity in activities:
            for task in activity.pending_writes():
                if task.shared:
                    attempt = activity.attempts.get(task.sync_key, 0) + 1
                    activity.record_failure(
                        task.sync_key,
                        SHARED_UNAVAILABLE,
                        "the org refused related contacts (TaskWhoIds); shared activities is "
                        "forced on in the engine's settings but not enabled in the org",
                        False,
                        attempt,
                    )
                    failed += 1
                    summary.count_failure(SHARED_UNAVAILABLE)
        return failed

    # Delete -------------------------------------------------------------------------------

    def _delete_retired(self, activities: list[EmailActivity], summary: SyncSummary) -> None:
        work = [(a, key, sf_id) for a in activities for key, sf_id in a.pending_deletes()]
        work += self._found_unconfirmed(activities)
        if not work:
            return
        outcomes = self.writer.delete([sf_id for _, _, sf_id in work])
        for (activity, key, sf_id), outcome in zip(work, outcomes, strict=True):
            if outcome.ok:
                activity.record_deletion(
                    key, sf_id, already_gone=outcome.code == "ENTITY_IS_DELETED"
                )
                summary.deleted += 1
            else:
                attempt = activity.attempts.get(key, 0) + 1
                activity.record_failure(
                    key,
                    outcome.code or "UNKNOWN_ERROR",
                    outcome.message or "",
                    outcome.retryable,
                    attempt,
                )

    def _found_unconfirmed(
        self, activities: list[EmailActivity]
    ) -> list[tuple[EmailActivity, str, str]]:
        """Retired keys never recorded as written, looked up in the org by key (R20): one a
        crashed run wrote is deleted with the rest, one never written is recorded as gone."""
        wanted = [(a, key, sobject) for a in activities for key, sobject in a.pending_checks()]
        found: dict[str, str] = {}
        try:
            for sobject in sorted({sobject for _, _, sobject in wanted}):
                keys = [key for _, key, kind in wanted if kind == sobject]
                found.update(
                    (r.sync_key, r.salesforce_id)
                    for r in self.writer.fetch(keys, sobject)
                    if r.sync_key
                )
        except SyncError:
            return []  # the activities stay unsettled: asked again on a later run
        work = []
        for activity, key, _ in wanted:
            if key in found:
                work.append((activity, key, found[key]))
            else:
                activity.record_deletion(key, "", already_gone=True)
        return work


__all__ = ["Directory", "SyncSummary", "SyncWorker", "WorkerOptions"]


def as_sent(activity: EmailActivity, task: PlannedTask, org_shares: bool) -> PlannedTask:
    """The record as the writer sends it. An individual Task whose org copy was last written
    with other people (a shared Task that replay keeps under this key, R19) goes as a shared
    batch of one, so its TaskWhoIds unrelate them; an org without shared activities holds no
    such people (R18), and refuses TaskWhoIds."""
    if (
        org_shares
        and not task.shared
        and task.sobject == "Task"
        and activity.holds_others(task.sync_key)
    ):
        return replace(task, shared=True)
    return task
