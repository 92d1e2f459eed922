"""The one place that wires the engine: store, followers, queue, Salesforce gateway, worker, rules."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from projections.ports import ChangeReader, DirectoryLookup, OrgProbe, TaskWriter

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as SqlEngine

    from adapters.salesforce.reads import TimelineEntry
    from adapters.store.followers import Follower
    from adapters.store.persistence import StoreLocation
    from adapters.store.work_queue import SqlWorkQueue
    from domain.model import WriteOutcome
    from projections.application import ActivitySyncApp
    from projections.notifier import Notifier, NotifyReport
    from projections.org_drift import DriftReport
    from projections.ports import Held
    from projections.retries import RetryResult
    from projections.sync_round import SyncRound
    from projections.tracker import SettingsTracker
    from projections.worker import SyncWorker, WorkerOptions
    from replay.support_repair import Repair


def followers() -> tuple[Follower, ...]:
    """The log's followers, in the order of the flow (docs/architecture.md): which events
    feed which read model or queue. Each is a short handler beside the table it writes;
    `adapters.store.followers.follow` keeps its position, transaction and retries. (A
    function, so that a command that reads loads none of them.)"""
    from adapters.notices import alert_queue
    from adapters.notices import queue as notice_queue
    from adapters.store import work_queue
    from adapters.views import address_index, daily_trends, recipient_view, record_names, task_view

    return (
        work_queue.FOLLOWER,  # Recorded, BatchFormed, BatchRetired, RetryRequested -> work queue
        task_view.FOLLOWER,  # every event -> the task view (explain, stats, replay's record)
        notice_queue.FOLLOWER,  # TaskCreated -> rule notices (R26), judged by the notifier
        address_index.FOLLOWER,  # Recorded -> the console's search by address
        recipient_view.FOLLOWER,  # RecipientsResolved -> recipients by outcome (stats, exports)
        record_names.FOLLOWER,  # RecipientsResolved -> the names beside ids (failures, console)
        alert_queue.FOLLOWER,  # refusals, pauses, org state -> the admin's alerts
        daily_trends.FOLLOWER,  # TaskCreated, SyncFailed, ChunkSynced -> figures per UTC day
    )


class OrgGateway(DirectoryLookup, TaskWriter, OrgProbe, ChangeReader, Protocol):
    """One connection to the org serving every port the engine uses, the calls it made,
    and the admin's reads (timeline, describe)."""

    @property
    def calls_made(self) -> int: ...

    def describe(self, sobject: str) -> dict[str, dict[str, Any]]: ...

    def timeline(self, email: str) -> list[TimelineEntry]: ...


@dataclass
class Runtime:
    """Everything a command needs, built lazily: the store opens, and the org is contacted,
    only when used. A context manager: leaving it closes the store."""

    location: StoreLocation
    env: Mapping[str, str]
    salesforce_url: str | None
    external_id_field: str | None = None  # else the store's setting
    budget_percent: int | None = None  # else the store's setting
    create: bool = True  # False: a store that does not exist is refused (commands that read)
    _app: ActivitySyncApp | None = None
    _gateway: OrgGateway | None = None
    _tracker: SettingsTracker | None = None
    _queue: SqlWorkQueue | None = field(default=None, repr=False)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def app(self) -> ActivitySyncApp:
        if self._app is None:
            from adapters.store.persistence import open_app

            self._app = open_app(self.location.url, create=self.create, env=self.env)
        return self._app

    @property
    def views(self) -> SqlEngine:
        """The SQL engine of the store's database, where the read models and queues live."""
        from adapters.store.sql import engine_for

        return engine_for(self.location)

    def gateway(self) -> OrgGateway:
        if self._gateway is None:
            from adapters.salesforce import open_gateway

            field, budget = self.external_id_field, self.budget_percent
            if field is None or budget is None:
                settings = self.app.settings()
                field = field or settings.external_id_field
                budget = settings.api_budget_percent if budget is None else budget
            self._gateway = open_gateway(
                self.salesforce_url,
                self.env,
                external_id_field=field,
                # The plan decides whether a Task is shared; sending its TaskWhoIds always means
                # an org without shared activities refuses it (R18 re-plans), never that the
                # secondary contacts are silently left out.
                shared=lambda: True,
                budget_percent=budget,
            )
        return self._gateway

    def queue(self) -> SqlWorkQueue:
        if self._queue is None:
            from adapters.store.work_queue import SqlWorkQueue

            self._queue = SqlWorkQueue(self.app, self.views)
        return self._queue

    def tracker(self) -> SettingsTracker:
        if self._tracker is None:
            from projections.tracker import SettingsTracker

            # a read of the org's setting another process made in the last five minutes
            # stands (R17): no Metadata API call per run
            self._tracker = SettingsTracker(self.app, self.gateway(), across_processes=True)
        return self._tracker

    def worker(
        self,
        options: WorkerOptions | None = None,
        after_write: Callable[[list[WriteOutcome]], None] | None = None,
        check: bool = True,
    ) -> SyncWorker:
        """The sync worker; `check` first makes sure the org can be used (one clear sentence if not)."""
        from projections.worker import SyncWorker

        gateway = self.gateway()
        if check:
            from adapters.salesforce.readiness import SessionRefused, check_ready

            try:
                check_ready(gateway)
            except SessionRefused as refused:
                from adapters.notices.alerts_run import alert_refused_session

                alert_refused_session(self.app, self.location, self.env, str(refused))
                raise
        return SyncWorker(
            self.app,
            self.queue(),
            gateway,
            gateway,
            self.tracker(),
            calls=lambda: int(gateway.calls_made),
            options=options,
            after_write=after_write,
        )

    def notifier(self) -> Notifier:
        """The rules' notifier on this store (R26)."""
        from adapters.notices.run import notifier_for

        return notifier_for(self.app, self.location, self.env)

    def notify(self) -> NotifyReport | None:
        """What a sync round runs at its end: nothing at all (None) while no rule exists."""
        from adapters.notices.run import notify_after_sync

        return notify_after_sync(self.app, self.location, self.env)

    def check_org(self) -> DriftReport:
        """Read what the org changed in the records the engine wrote, record it (R27)."""
        from adapters.views import task_view
        from adapters.views.queries import activities_of
        from projections.org_drift import check_org

        task_view.catch_up(self.app, self.views)  # sync keys -> activities
        gateway = self.gateway()
        return check_org(
            self.app,
            gateway,
            lambda keys: activities_of(self.views, keys),
            lambda: int(gateway.calls_made),
        )

    def retry(
        self,
        requested_by: str,
        *,
        code: str | None = None,
        sync_keys: Sequence[str] | None = None,
        activity: UUID | None = None,
    ) -> RetryResult:
        """Re-queue the records Salesforce refused for good that match every filter given
        (a RetryRequested event each); the next sync writes them again (R25)."""
        from adapters.views import task_view
        from adapters.views.queries import failed_records
        from projections.retries import request_retries

        task_view.catch_up(self.app, self.views)  # the failed records, up to now
        found = failed_records(self.views, code=code, sync_keys=sync_keys, activity=activity)
        return request_retries(self.app, found, requested_by)

    def sync_round(
        self,
        worker: SyncWorker,
        *,
        wait: bool = True,
        max_chunks: int | None = None,
        progress: Callable[[Any], None] | None = None,
        waiting: Callable[[Held], None] | None = None,
        rules: bool = True,
        drift_minutes: float = 0,
    ) -> SyncRound:
        """One round as `sync`, the console and the demo run it (projections.sync_round);
        with `drift_minutes`, it first looks at the org's changes when the last look is that
        old (R27)."""
        from projections.sync_round import SyncRound, added, sync_round

        notify = self.notify if rules else (lambda: None)
        done = sync_round(
            worker,
            notify,
            wait=wait,
            max_chunks=max_chunks,
            progress=progress,
            waiting=waiting,
            look=lambda: self.look_if_due(drift_minutes),
        )
        if self.repair_support_disable() is None:
            return done
        # R18: the Tasks support's disable stripped are re-planned; write them now.
        again = sync_round(worker, notify, wait=wait, max_chunks=max_chunks, progress=progress)
        return SyncRound(added(done.summary, again.summary), again.rules, done.drift)

    def repair_support_disable(self) -> Repair | None:
        """R18: when the org's shared activities were seen going off and no repair was made
        for it, re-plan every activity against the org now (a replay, `support_disable`)."""
        from replay.org_access import org_reader
        from replay.support_repair import repair, repair_pending

        version = repair_pending(self.app)
        if version is None:
            return None
        return repair(self.app, org_reader(self.gateway(), False), version)

    def look_if_due(self, minutes: float) -> DriftReport | None:
        """`check_org` when the last look at the org is `minutes` old (0: never)."""
        from projections.org_drift import is_due

        return self.check_org() if is_due(self.app, minutes, datetime.now(UTC)) else None

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


def build(
    store: str | None = None,
    salesforce: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    app: ActivitySyncApp | None = None,
    gateway: OrgGateway | None = None,
    external_id_field: str | None = None,
    budget_percent: int | None = None,
    create: bool = True,
) -> Runtime:
    """Build the runtime from a store URL and the Salesforce instance URL (or the environment)."""
    from adapters.store.persistence import locate

    env = dict(os.environ if env is None else env)
    return Runtime(
        location=locate(store or env.get("ACTIVITY_SYNC_STORE")),
        env=env,
        salesforce_url=salesforce or env.get("SALESFORCE_INSTANCE_URL"),
        external_id_field=external_id_field,
        budget_percent=budget_percent,
        create=create,
        _app=app,
        _gateway=gateway,
    )
