"""The sync worker in a background thread: one chunk a round, a pause between rounds, clean stop."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from domain.errors import ActivitySyncError
from projections.notifier import NotifyReport
from projections.org_drift import DriftReport
from projections.ports import ApiUsage, OrgProbe, SharedActivitiesState
from projections.sync_round import sync_round
from projections.worker import SyncSummary, SyncWorker

log = logging.getLogger("activity_sync.console")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RecordingProbe(OrgProbe):
    """Passes the org's shared-activities reads through, remembering when the last one was."""

    def __init__(self, probe: OrgProbe, on_read: Callable[[SharedActivitiesState], None]) -> None:
        self.probe = probe
        self.on_read = on_read

    def shared_activities(self) -> SharedActivitiesState:
        state = self.probe.shared_activities()
        self.on_read(state)
        return state

    def api_usage(self) -> ApiUsage:
        return self.probe.api_usage()


@dataclasses.dataclass
class WorkerStatus:
    """What the health page shows about the background worker."""

    # starting | idle | syncing | paused (budget, outage) | paused_by_admin | error | stopped | disabled
    state: str = "starting"
    rounds: int = 0
    last_round_at: str | None = None
    last_summary: dict[str, Any] | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    org_read_at: str | None = None
    org_read_source: str | None = None
    interval_seconds: float = 0.0
    held: str | None = None  # while paused_by_admin: who paused it, when and why


class BackgroundSync:
    """Runs a one-chunk sync round while work is ready, sleeping `interval` otherwise.

    The round is `projections.sync_round`, as `sync` runs it: `after_round` is the rules
    step (R26), judged after each round's writes."""

    def __init__(
        self,
        make_worker: Callable[[], SyncWorker],
        ready: Callable[[], int],
        interval: float = 10.0,
        stop_timeout: float = 120.0,
        after_round: Callable[[], NotifyReport | None] | None = None,
        look: Callable[[], DriftReport | None] | None = None,
        held: Callable[[], str | None] | None = None,
    ) -> None:
        self._make_worker = make_worker
        self._after_round = after_round or (lambda: None)
        self._look = look or (lambda: None)  # the org's changes, when due (R27)
        self._ready = ready
        self._held = held or (lambda: None)  # the admin's pause switch: why it idles, or None
        self.interval = interval
        self.stop_timeout = stop_timeout
        self._worker: SyncWorker | None = None
        self._lock = threading.Lock()
        self._status = WorkerStatus(interval_seconds=interval)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # Control ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="activity-sync-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Skip the pause: new work arrived (webhook, retry, replay)."""
        self._wake.set()

    def stop(self) -> bool:
        """Ask the loop to stop after its current chunk; True when it stopped in time."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.join(self.stop_timeout)
        stopped = not thread.is_alive()
        if not stopped:
            log.warning("the sync worker is still finishing a chunk; its lease will expire")
        self._set(state="stopped")
        return stopped

    def status(self) -> dict[str, Any]:
        with self._lock:
            return dataclasses.asdict(self._status)

    # The loop --------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                delay = self._round()
            except ActivitySyncError as error:  # a clear sentence (no org, no credentials...)
                self._failed(error, traceback=False)
                delay = self.interval
            except Exception as error:  # noqa: BLE001 - shown on the health page; the queue keeps the work
                self._failed(error, traceback=True)
                delay = self.interval
            if delay > 0:
                self._wake.wait(delay)
            self._wake.clear()
        self._set(state="stopped")

    def _failed(self, error: Exception, traceback: bool) -> None:
        message = f"{type(error).__name__}: {error}"
        if message != self.status()["last_error"]:  # say it once, not every round
            if traceback:
                log.exception("sync round failed")
            else:
                log.warning("sync round failed: %s", error)
        self._set(state="error", last_error=message, last_error_at=_now())

    def _round(self) -> float:
        if (why := self._held()) is not None:
            self._set(state="paused_by_admin", last_round_at=_now(), held=why, last_error=None)
            return self.interval
        self._set(held=None)
        worker = self._worker or self._create()
        worker.tracker.current()  # reads the org's shared-activities state when due (R17)
        self._look()  # reads the org's changes to the engine's records when due (R27)
        if not self._ready():
            self._set(state="idle", last_round_at=_now())
            return self.interval
        self._set(state="syncing")
        summary = sync_round(worker, self._after_round, wait=False, max_chunks=1).summary
        self._record(summary)
        if summary.paused or self._stopping.is_set():
            return self.interval
        return 0.0 if self._ready() else self.interval

    def _create(self) -> SyncWorker:
        worker = self._make_worker()
        worker.tracker.probe = RecordingProbe(worker.tracker.probe, self._org_read)
        self._worker = worker
        return worker

    def _org_read(self, state: SharedActivitiesState) -> None:
        self._set(org_read_at=_now(), org_read_source=state.source)

    def _record(self, summary: SyncSummary) -> None:
        with self._lock:
            status = self._status
            status.rounds += 1
            status.last_round_at = _now()
            status.last_summary = dataclasses.asdict(summary)
            status.state = "paused" if summary.paused else "idle"
            status.last_error = None

    def _set(self, **values: Any) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self._status, name, value)


class DisabledSync:
    """Stands in for BackgroundSync under `serve --no-worker`."""

    interval = 0.0

    def start(self) -> None: ...

    def wake(self) -> None: ...

    def stop(self) -> bool:
        return True

    def status(self) -> dict[str, Any]:
        return dataclasses.asdict(WorkerStatus(state="disabled"))
