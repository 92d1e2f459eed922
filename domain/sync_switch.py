"""The background sync's pause switch: who paused or resumed it, when, and why.

One aggregate per store (a fixed id). While it is paused the console's background sync
and `sync --follow` stay idle, and a `sync` run by hand refuses unless forced.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate

SWITCH_ID = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:sync-switch")


class SyncSwitch(Aggregate):
    """Whether sync may run; every flip is an event naming who flipped it."""

    TOPIC = "activity_sync:SyncSwitch"

    class Created(Aggregate.Created):
        TOPIC = "activity_sync:SyncSwitch.Created"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:SyncSwitch.Event"

        def apply(self, aggregate: SyncSwitch) -> None:
            aggregate.apply(self)

    class SyncPaused(Event):
        """An admin paused the sync; work waits in the queue until it is resumed."""

        TOPIC = "activity_sync:SyncSwitch.SyncPaused"
        by: str
        reason: str

    class SyncResumed(Event):
        TOPIC = "activity_sync:SyncSwitch.SyncResumed"
        by: str

    def __init__(self) -> None:
        self.paused = False
        self.by: str | None = None
        self.reason: str | None = None
        self.at: datetime | None = None

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type."""
        match event:
            case SyncSwitch.SyncPaused():
                self.paused, self.by, self.reason = True, event.by, event.reason
                self.at = event.timestamp
            case SyncSwitch.SyncResumed():
                self.paused, self.by, self.reason = False, event.by, None
                self.at = event.timestamp

    @classmethod
    def create(cls) -> SyncSwitch:
        return cls._create(cls.Created, id=SWITCH_ID)

    def pause(self, by: str, reason: str = "") -> bool:
        """Pause (SyncPaused); False when it was paused already (nothing recorded)."""
        if self.paused:
            return False
        self.trigger_event(self.SyncPaused, by=by, reason=reason)
        return True

    def resume(self, by: str) -> bool:
        """Resume (SyncResumed); False when it was not paused (nothing recorded)."""
        if not self.paused:
            return False
        self.trigger_event(self.SyncResumed, by=by)
        return True
