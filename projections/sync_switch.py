"""Pausing and resuming the sync (domain.sync_switch) on the store, and what a paused store says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.errors import ActivitySyncError
from domain.sync_switch import SWITCH_ID, SyncSwitch
from projections.application import ActivitySyncApp

_ATTEMPTS = 5


class SyncIsPaused(ActivitySyncError):
    """A `sync` run by hand on a paused store (exit 1 unless `--force`)."""


@dataclass(frozen=True)
class SwitchState:
    """The switch as the CLI, the console and the API show it."""

    paused: bool
    by: str | None
    at: str | None
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"paused": self.paused, "by": self.by, "at": self.at, "reason": self.reason}

    def sentence(self) -> str:
        """One line for a paused store: who, when, why, and how to go on."""
        why = f" ({self.reason})" if self.reason else ""
        return (
            f"sync is paused since {self.at} by {self.by}{why}: `activity-sync resume` "
            "lets it run again (`sync --force` runs once anyway)"
        )


def _switch(app: ActivitySyncApp) -> SyncSwitch:
    try:
        found: SyncSwitch = app.repository.get(SWITCH_ID)
    except AggregateNotFoundError:
        return SyncSwitch.create()
    return found


def switch_state(app: ActivitySyncApp) -> SwitchState:
    switch = _switch(app)
    at = switch.at.isoformat(timespec="seconds") if switch.at else None
    return SwitchState(switch.paused, switch.by, at, switch.reason)


def pause_sync(app: ActivitySyncApp, by: str, reason: str = "") -> tuple[bool, SwitchState]:
    """Pause; (False, state) when it was paused already. Racing writers: look again."""
    return _flip(app, lambda switch: switch.pause(by, reason))


def resume_sync(app: ActivitySyncApp, by: str) -> tuple[bool, SwitchState]:
    """Resume; (False, state) when it was not paused."""
    return _flip(app, lambda switch: switch.resume(by))


def _flip(app: ActivitySyncApp, change: Any) -> tuple[bool, SwitchState]:
    for _attempt in range(_ATTEMPTS):
        switch = _switch(app)
        if not change(switch):
            return False, switch_state(app)
        try:
            app.save(switch)
        except IntegrityError:
            continue
        return True, switch_state(app)
    raise IntegrityError("the sync switch kept changing while it was being flipped")
