"""The background sync: one chunk a round while work is ready, a pause otherwise, a clean stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from adapters.web.background import BackgroundSync
from domain.errors import ConfigurationError
from projections.ports import SharedActivitiesState
from projections.worker import SyncSummary


class FakeProbe:
    def shared_activities(self) -> SharedActivitiesState:
        return SharedActivitiesState(enabled=True, source="metadata_api")


class FakeTracker:
    def __init__(self) -> None:
        self.probe: Any = FakeProbe()

    def current(self) -> None:
        self.probe.shared_activities()


class FakeWorker:
    """Counts its runs; each run takes one chunk off `backlog`."""

    def __init__(self, backlog: list[int]) -> None:
        self.backlog = backlog
        self.runs: list[int | None] = []
        self.tracker = FakeTracker()

    def run(self, progress: Any = None, max_chunks: int | None = None) -> SyncSummary:
        self.runs.append(max_chunks)
        self.backlog[0] -= 1
        return SyncSummary(activities=1, tasks_written=2, pending=self.backlog[0])


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_it_runs_one_chunk_a_round_until_nothing_is_ready_then_idles() -> None:
    backlog = [3]
    worker = FakeWorker(backlog)
    sync = BackgroundSync(lambda: worker, lambda: backlog[0], interval=30.0)
    sync.start()
    wait_for(lambda: sync.status()["state"] == "idle" and backlog[0] == 0)
    assert worker.runs == [1, 1, 1]
    status = sync.status()
    assert status["rounds"] == 3 and status["last_summary"]["tasks_written"] == 2
    assert status["org_read_at"] is not None and status["org_read_source"] == "metadata_api"
    assert sync.stop() is True
    assert sync.status()["state"] == "stopped"


def test_wake_cuts_the_pause_short_when_work_arrives() -> None:
    backlog = [0]
    worker = FakeWorker(backlog)
    sync = BackgroundSync(lambda: worker, lambda: backlog[0], interval=60.0)
    sync.start()
    wait_for(lambda: sync.status()["state"] == "idle")
    backlog[0] = 1
    sync.wake()
    wait_for(lambda: worker.runs == [1])
    sync.stop()


def test_a_failing_round_is_shown_and_the_next_round_tries_again() -> None:
    backlog = [1]
    attempts: list[int] = []
    worker = FakeWorker(backlog)

    def make() -> FakeWorker:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConfigurationError("The field Activity_Sync_Key__c is missing on Task")
        return worker

    sync = BackgroundSync(make, lambda: backlog[0], interval=0.05)
    sync.start()
    wait_for(lambda: worker.runs == [1])
    sync.stop()
    status = sync.status()
    assert len(attempts) == 2
    assert status["last_error"] is None and status["rounds"] == 1  # cleared by the good round


def test_the_error_stays_on_show_while_it_lasts() -> None:
    def make() -> FakeWorker:
        raise ConfigurationError("Salesforce credentials are missing")

    sync = BackgroundSync(make, lambda: 1, interval=0.05)
    sync.start()
    wait_for(lambda: sync.status()["state"] == "error")
    sync.stop()
    assert sync.status()["last_error"] == "ConfigurationError: Salesforce credentials are missing"


def test_stop_waits_for_the_chunk_in_progress() -> None:
    started, release = threading.Event(), threading.Event()
    backlog = [5]

    class SlowWorker(FakeWorker):
        def run(self, progress: Any = None, max_chunks: int | None = None) -> SyncSummary:
            started.set()
            release.wait(5)
            return super().run(progress, max_chunks)

    worker = SlowWorker(backlog)
    sync = BackgroundSync(lambda: worker, lambda: backlog[0], interval=0.01)
    sync.start()
    started.wait(5)
    threading.Timer(0.2, release.set).start()
    assert sync.stop() is True
    assert worker.runs == [1]  # the chunk finished; no new one began after the stop


def test_rules_judge_what_each_round_wrote() -> None:
    """R26: the console's background sync runs the rules step after each round, as `sync` does."""
    backlog = [2]
    worker = FakeWorker(backlog)
    judged: list[int] = []
    sync = BackgroundSync(
        lambda: worker,
        lambda: backlog[0],
        interval=30.0,
        after_round=lambda: judged.append(backlog[0]),  # type: ignore[func-returns-value]
    )
    sync.start()
    wait_for(lambda: sync.status()["state"] == "idle" and backlog[0] == 0)
    assert sync.stop() is True
    assert judged == [1, 0]
