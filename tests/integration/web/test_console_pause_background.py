"""The background sync while the admin's pause switch is on: idle, saying why; on again when resumed."""

from __future__ import annotations

import time
from collections.abc import Callable

from adapters.web.background import BackgroundSync
from projections.worker import SyncSummary, SyncWorker


class CountingWorker(SyncWorker):
    """A worker that only counts its rounds (never built while paused)."""

    def __init__(self) -> None:
        self.runs = 0

        class Tracker:
            probe = None

            def current(self) -> None: ...

        self.tracker = Tracker()  # type: ignore[assignment]

    def run(self, progress: object = None, max_chunks: int | None = None) -> SyncSummary:
        self.runs += 1
        return SyncSummary(activities=1, pending=0)


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background sync never got there"
        time.sleep(0.01)


def test_a_paused_switch_keeps_the_background_sync_idle_then_resuming_syncs() -> None:
    held: list[str | None] = ["sync is paused since 2026-12-06T05:00:00+00:00 by console:ana"]
    built: list[CountingWorker] = []

    def make() -> CountingWorker:
        built.append(CountingWorker())
        return built[-1]

    ready = [1]
    sync = BackgroundSync(make, lambda: ready[0], interval=30.0, held=lambda: held[0])
    sync.start()
    try:
        wait_for(lambda: sync.status()["state"] == "paused_by_admin")
        status = sync.status()
        assert status["held"] == held[0] and built == []  # not even a worker (no org call)

        held[0] = None
        ready[0] = 1
        sync.wake()
        wait_for(lambda: bool(built) and built[0].runs >= 1)
        wait_for(lambda: sync.status()["state"] != "paused_by_admin")
        assert sync.status()["held"] is None
    finally:
        sync.stop()
