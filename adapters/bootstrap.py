"""The one place that wires the engine: store, queue, Salesforce gateway, tracker, worker."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.store.persistence import StoreLocation, locate, open_app
from adapters.store.sql import engine_for
from adapters.store.work_queue import SqlWorkQueue
from domain.model import WriteOutcome
from projections.application import ActivitySyncApp
from projections.tracker import SettingsTracker
from projections.worker import SyncWorker, WorkerOptions


@dataclass
class Engine:
    """Everything a command needs, built lazily: the org is contacted only when used."""

    location: StoreLocation
    app: ActivitySyncApp
    env: Mapping[str, str]
    salesforce_url: str | None
    _gateway: Any = None
    _tracker: SettingsTracker | None = None
    _queue: SqlWorkQueue | None = field(default=None, repr=False)

    def gateway(self) -> Any:
        if self._gateway is None:
            from adapters.salesforce import open_gateway

            settings = self.app.settings()
            self._gateway = open_gateway(
                self.salesforce_url,
                self.env,
                external_id_field=settings.external_id_field,
                # The plan decides whether a Task is shared; sending its TaskWhoIds always means
                # an org without shared activities refuses it (R18 re-plans), never that the
                # secondary contacts are silently left out.
                shared=lambda: True,
                budget_percent=settings.api_budget_percent,
            )
        return self._gateway

    def queue(self) -> SqlWorkQueue:
        if self._queue is None:
            self._queue = SqlWorkQueue(self.app, engine_for(self.location))
        return self._queue

    def tracker(self) -> SettingsTracker:
        if self._tracker is None:
            self._tracker = SettingsTracker(self.app, self.gateway())
        return self._tracker

    def worker(
        self,
        options: WorkerOptions | None = None,
        after_write: Callable[[list[WriteOutcome]], None] | None = None,
        check: bool = True,
    ) -> SyncWorker:
        """The sync worker; `check` first makes sure the org can be used (one clear sentence if not)."""
        gateway = self.gateway()
        if check:
            from adapters.salesforce.readiness import check_ready

            check_ready(gateway)
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

    def close(self) -> None:
        self.app.close()


def build(
    store: str | None = None,
    salesforce: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    app: ActivitySyncApp | None = None,
    gateway: Any = None,
) -> Engine:
    """Build the engine from a store URL and the Salesforce instance URL (or the environment)."""
    env = dict(os.environ if env is None else env)
    location = locate(store or env.get("ACTIVITY_SYNC_STORE"))
    return Engine(
        location=location,
        app=app or open_app(location.url),
        env=env,
        salesforce_url=salesforce or env.get("SALESFORCE_INSTANCE_URL"),
        _gateway=gateway,
    )
