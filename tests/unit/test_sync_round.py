"""One sync round (R20, R26): it leaves no work behind that nobody holds, and notifies once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from projections.notifier import NotifyReport
from projections.ports import Held
from projections.sync_round import sync_round
from projections.worker import SyncSummary


@dataclass
class Queue:
    """Answers `held_by_others` from a script of Held values; `pending` is what is left."""

    script: list[Held]
    pending: int = 0

    def held_by_others(self, owner: str) -> Held:
        return self.script.pop(0) if self.script else Held(0, None, 0)

    def pending_count(self) -> int:
        return self.pending


@dataclass
class Options:
    owner: str = "me"


@dataclass
class Worker:
    """Each run takes `takes.pop(0)` activities off the queue's pending count."""

    queue: Queue
    takes: list[int]
    options: Options = field(default_factory=Options)
    runs: int = 0

    def run(self, progress: Any = None, max_chunks: int | None = None) -> SyncSummary:
        self.runs += 1
        taken = self.takes.pop(0) if self.takes else 0
        self.queue.pending -= taken
        return SyncSummary(activities=taken, pending=self.queue.pending)


def test_work_whose_lease_ran_out_unheld_is_taken_over_before_the_round_ends() -> None:
    """R20: a lease that ran out between this worker's last claim and its check of the
    others' leases leaves work that nobody holds; the round takes it, not reports it pending."""
    queue = Queue([Held(0, None, free=10)], pending=10)
    worker = Worker(queue, takes=[0, 10])
    done = sync_round(worker, lambda: None)  # type: ignore[arg-type]
    assert done.summary.activities == 10 and done.summary.pending == 0
    assert worker.runs == 2


def test_a_round_waits_for_leases_others_hold_and_takes_over_when_they_run_out() -> None:
    now = [100.0]
    queue = Queue([Held(5, 101.0), Held(5, 101.0), Held(0, None)], pending=5)
    worker = Worker(queue, takes=[0, 5])
    told: list[Held] = []
    done = sync_round(
        worker,  # type: ignore[arg-type]
        lambda: None,
        waiting=told.append,
        clock=lambda: now[0],
        sleep=lambda seconds: now.__setitem__(0, now[0] + 1.0),
    )
    assert told == [Held(5, 101.0)]  # said once, not at every poll
    assert done.summary.activities == 5 and done.summary.pending == 0


def test_free_work_the_worker_cannot_take_ends_the_round_instead_of_spinning() -> None:
    queue = Queue([Held(0, None, free=3)] * 50, pending=3)
    worker = Worker(queue, takes=[])
    done = sync_round(worker, lambda: None)  # type: ignore[arg-type]
    assert worker.runs == 3 and done.summary.pending == 3  # its own run, then two misses


def test_free_work_another_worker_takes_first_is_waited_for_until_it_is_settled() -> None:
    """R20: when another worker takes the unheld work first, the round waits for it to be
    settled rather than ending with it counted as pending."""
    now = [100.0]
    queue = Queue([Held(0, None, free=10), Held(10, 101.0), Held(0, None)], pending=10)
    worker = Worker(queue, takes=[0, 0])

    def sleep(seconds: float) -> None:
        now[0] += seconds
        queue.pending = 0  # the other worker settles the work meanwhile

    done = sync_round(worker, lambda: None, clock=lambda: now[0], sleep=sleep)  # type: ignore[arg-type]
    assert done.summary.pending == 0 and worker.runs == 2


def test_the_rules_are_notified_once_after_the_round_and_their_report_kept() -> None:
    """R26: the rules judge what the round wrote, once, after it."""
    calls: list[int] = []
    report = NotifyReport(tasks_judged=2)
    worker = Worker(Queue([]), takes=[2])
    done = sync_round(worker, lambda: calls.append(1) or report, wait=False)  # type: ignore[arg-type, func-returns-value]
    assert calls == [1] and done.rules is report and done.summary.activities == 2
