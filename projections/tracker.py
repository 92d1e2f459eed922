"""Knows the settings in force, re-reading the org's shared-activities state when due (R17)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.ports import OrgProbe, SyncError
from projections.shared_reads import SharedRead, last_read, record_read

REREAD_SECONDS = 300.0


def _now() -> datetime:
    return datetime.now(UTC)


class SettingsTracker:
    """Reads the org setting at most every five minutes, and at once when a write was refused.

    With `across_processes` (the sync worker), every read is recorded in the log with its
    time, and a read any process recorded less than five minutes ago stands for a read of
    this one. Without it (doctor, replay plan) the first `current()` asks the org, and the
    log gains an event only when the org's state changed.
    """

    def __init__(
        self,
        app: ActivitySyncApp,
        probe: OrgProbe,
        clock: Callable[[], datetime] = _now,
        reread_seconds: float = REREAD_SECONDS,
        across_processes: bool = False,
    ) -> None:
        self.app = app
        self.probe = probe
        self.clock = clock
        self.reread_seconds = reread_seconds
        self.across_processes = across_processes
        self._last_read: datetime | None = None
        self.last_source: str | None = None

    def current(self, force: bool = False) -> Settings:
        """The settings in force, after observing the org when a read is due."""
        now = self.clock()
        if force:
            self._observe(now, source_override="write_refused")
        elif not self._fresh(now) and not self._reused(now):
            self._observe(now, source_override=None)
        return self.app.settings()

    def _fresh(self, now: datetime) -> bool:
        last = self._last_read
        return last is not None and 0 <= (now - last).total_seconds() < self.reread_seconds

    def _reused(self, now: datetime) -> bool:
        """Take a fresh read recorded by any process, when allowed and the state is known."""
        if not self.across_processes or self.app.settings().org_shared_activities is None:
            return False
        read = last_read(self.app)
        if read is None or not read.fresh(now, self.reread_seconds):
            return False
        self._last_read, self.last_source = read.at, read.source
        return True

    def _observe(self, now: datetime, source_override: str | None) -> None:
        try:
            state = self.probe.shared_activities()
        except SyncError:
            if self._last_read is None and self.app.settings().org_shared_activities is None:
                raise
            self._last_read = now  # keep the last known state; the next due read tries again
            return
        self._last_read = now
        self.last_source = state.source
        self.app.observe_shared_activities(state.enabled, source_override or state.source)
        if self.across_processes:
            record_read(self.app, SharedRead(state.enabled, state.source, now))
