"""Knows the settings in force, re-reading the org's shared-activities state when due (R17)."""

from __future__ import annotations

import time
from collections.abc import Callable

from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.ports import OrgProbe, SyncError

REREAD_SECONDS = 300.0


class SettingsTracker:
    """Reads the org setting at most every five minutes, and at once when a write was refused."""

    def __init__(
        self,
        app: ActivitySyncApp,
        probe: OrgProbe,
        clock: Callable[[], float] = time.monotonic,
        reread_seconds: float = REREAD_SECONDS,
    ) -> None:
        self.app = app
        self.probe = probe
        self.clock = clock
        self.reread_seconds = reread_seconds
        self._last_read: float | None = None
        self.last_source: str | None = None

    def current(self, force: bool = False) -> Settings:
        """The settings in force, after observing the org when a read is due."""
        now = self.clock()
        due = self._last_read is None or now - self._last_read >= self.reread_seconds
        if force or due:
            self._observe(source_override="write_refused" if force else None)
            self._last_read = now
        return self.app.settings()

    def _observe(self, source_override: str | None) -> None:
        try:
            state = self.probe.shared_activities()
        except SyncError:
            if self._last_read is None and self.app.settings().org_shared_activities is None:
                raise
            return  # keep the last known state; the next due read tries again
        self.last_source = state.source
        self.app.observe_shared_activities(state.enabled, source_override or state.source)
