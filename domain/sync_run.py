"""The SyncRun aggregate: one run of the sync worker, its chunks and the API calls they cost."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate


class SyncRun(Aggregate):
    """What one `sync` run did, for `stats` (R23, R24) and the budget story (R25)."""

    TOPIC = "activity_sync:SyncRun"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:SyncRun.Event"

        def apply(self, aggregate: SyncRun) -> None:
            aggregate.apply(self)

    class Started(Aggregate.Created):
        TOPIC = "activity_sync:SyncRun.Started"
        worker: str
        settings_version: int

    class ChunkSynced(Event):
        """A chunk of activities was resolved, planned and written.

        Version 2 counts apart the activities synced again (a replay, a retry, R18
        re-planning) and the calls spent on them, so calls per synced email (R24) count
        first syncs only; `emails` counts the first syncs of `sent` activities."""

        TOPIC = "activity_sync:SyncRun.ChunkSynced"
        class_version = 2
        activities: int
        emails: int  # first syncs of `sent` activities
        records_written: int
        records_failed: int
        api_calls: int
        api_used: int | None
        api_limit: int | None
        resynced: int  # activities of the chunk synced before (replays, retries)
        resync_api_calls: int  # the share of `api_calls` they took

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not count re-syncs apart (its `emails` counted them too)."""
            state["resynced"] = 0
            state["resync_api_calls"] = 0

    class Paused(Event):
        """The run stopped before the budget (R25) or on an outage; work stays pending."""

        TOPIC = "activity_sync:SyncRun.Paused"
        reason: str
        detail: dict[str, Any]

    class Finished(Event):
        TOPIC = "activity_sync:SyncRun.Finished"
        pending: int

    def __init__(self, worker: str, settings_version: int) -> None:
        self.worker = worker
        self.settings_version = settings_version
        self.activities = 0
        self.api_calls = 0

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type: only a synced chunk changes the totals."""
        match event:
            case SyncRun.ChunkSynced():
                self.activities += event.activities
                self.api_calls += event.api_calls

    @classmethod
    def start(cls, worker: str, settings_version: int) -> SyncRun:
        return cls._create(cls.Started, worker=worker, settings_version=settings_version)

    def record_chunk(
        self,
        *,
        activities: int,
        emails: int,
        records_written: int,
        records_failed: int,
        api_calls: int,
        api_used: int | None,
        api_limit: int | None,
        resynced: int = 0,
        resync_api_calls: int = 0,
    ) -> None:
        """A chunk was resolved, planned and written (ChunkSynced); `api_used` and `api_limit`
        are the org's API use as last reported, None when unknown."""
        self.trigger_event(
            self.ChunkSynced,
            activities=activities,
            emails=emails,
            records_written=records_written,
            records_failed=records_failed,
            api_calls=api_calls,
            api_used=api_used,
            api_limit=api_limit,
            resynced=resynced,
            resync_api_calls=resync_api_calls,
        )

    def pause(self, reason: str, detail: dict[str, Any]) -> None:
        self.trigger_event(self.Paused, reason=reason, detail=detail)

    def finish(self, pending: int) -> None:
        self.trigger_event(self.Finished, pending=pending)
