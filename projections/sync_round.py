"""One sync round: run the worker, wait for work other workers hold, add up, notify the rules.

`activity-sync sync`, the console's background job and the demo all sync through
`sync_round`, so they count, wait and judge rules (R26) the same way.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from projections.notifier import NotifyReport
from projections.org_drift import DriftReport
from projections.ports import Held
from projections.worker import SyncSummary, SyncWorker

POLL_SECONDS = 0.25
_COUNTS = (
    "activities",
    "resolved",
    "tasks_written",
    "events_written",
    "records_failed",
    "records_deferred",
    "deleted",
    "replanned",
    "api_calls",
)


@dataclass(frozen=True)
class SyncRound:
    """What one round did: the worker's summary, the rules' report (None while no rule
    exists) and the look at the org's changes (None when none was due, R27)."""

    summary: SyncSummary
    rules: NotifyReport | None
    drift: DriftReport | None = None


def sync_round(
    worker: SyncWorker,
    notify: Callable[[], NotifyReport | None],
    *,
    wait: bool = True,
    max_chunks: int | None = None,
    progress: Callable[[SyncSummary], None] | None = None,
    waiting: Callable[[Held], None] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    look: Callable[[], DriftReport | None] = lambda: None,
) -> SyncRound:
    """Look at the org's changes when due (so the worker plans with who the org holds now),
    sync what is pending, then (with `wait`) what other workers hold until their leases end."""
    drift = look()
    summary = worker.run(progress=progress, max_chunks=max_chunks)
    if wait:
        summary = _wait_for_others(worker, summary, waiting, clock, sleep)
    return SyncRound(summary, notify(), drift)


def _wait_for_others(
    worker: SyncWorker,
    summary: SyncSummary,
    waiting: Callable[[Held], None] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> SyncSummary:
    """Until no other worker holds pending work: wait, and take over leases that run out."""
    queue, told, missed = worker.queue, 0, 0
    while not summary.paused:
        held = queue.held_by_others(worker.options.owner)
        if held.free and missed < 2:  # a lease ran out since the last claim: take that work over
            taken = worker.run()
            summary = added(summary, taken)
            # Taking nothing means another worker took it first (look again), or it cannot be
            # taken at all: after two misses in a row, stop trying.
            missed = 0 if taken.activities else missed + 1
            continue
        if not held.count or held.first_expiry is None:
            break
        if held.count != told and waiting is not None:
            waiting(held)
            told = held.count
        pause = held.first_expiry - clock()
        if pause > 0:
            sleep(min(pause, POLL_SECONDS))
        else:
            summary = added(summary, worker.run())
    # What the others settled since this worker's last claim is no longer pending.
    return dataclasses.replace(summary, pending=queue.pending_count())


def added(first: SyncSummary, then: SyncSummary) -> SyncSummary:
    """Two runs as one: counts add up; pending and any pause are the later run's."""
    total = dataclasses.replace(then, failures=dict(first.failures))
    for name in _COUNTS:
        setattr(total, name, getattr(first, name) + getattr(then, name))
    for code, count in then.failures.items():
        total.failures[code] = total.failures.get(code, 0) + count
    return total
