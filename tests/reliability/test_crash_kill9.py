"""`activity-sync sync` killed with SIGKILL at random moments, restarted until done (R20).

The local org adds latency to every call, so a kill often lands while a write is in
flight: the org carries it out, the dead process never records it. The restarted run
must upsert it again under its sync key, never write a second Task, never skip one.
`scripts/crash_trials.py` runs the long version.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import Scene, fast_options
from reliability_trials import CrashTrial, ingest, reconcile

from adapters.local_org.launcher import LocalOrg, start_local_org
from domain.model import WriteOutcome

LATENCY = "LATENCY_MS:30"


@pytest.fixture(scope="module")
def slow_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("crash-org") / "org.db", faults=LATENCY)
    yield org
    org.stop()


def test_sync_killed_four_times_at_random_then_restarted_writes_every_task_exactly_once(
    slow_org: LocalOrg, tmp_path: Path
) -> None:
    """R20: 300 activities; the sync process is SIGKILLed at a random moment of four runs
    (each restart waits out the dead run's one-second leases); the fifth run finishes.
    The org then holds every planned Task once: no duplicate, none missing, none extra."""
    seed = int(os.environ.get("RELIABILITY_SEED") or random.randrange(10**6))
    trial = CrashTrial(activities=300, kills=4, chunk_size=10, seed=seed).run(slow_org, tmp_path)
    print(f"\ncrash trial: {trial.figures()}")

    outcome = trial.outcome
    assert trial.killed_mid_run >= 3, f"the runs ended before the kills (seed {seed})"
    assert outcome.duplicates == 0 and outcome.missing == 0 and outcome.extra == 0, (seed, outcome)
    assert outcome.settled == outcome.activities == 300 and outcome.failed == 0, (seed, outcome)
    assert outcome.in_org == outcome.planned > 300


class _Crash(BaseException):
    """The process dies right after the org answered a write."""


def _die(_outcomes: list[WriteOutcome]) -> None:
    raise _Crash


def test_a_crash_after_a_shared_write_then_support_disabling_sharing_leaves_no_orphan(
    tmp_path: Path,
) -> None:
    """R20, R18: a shared email's Tasks reach the org, the process dies before recording
    them, then Salesforce support disables shared activities (the org keeps each Task with
    its primary only). The next sync's shared write is refused, it re-plans individual
    Tasks, and deletes the unrecorded shared ones it finds by sync key: one Task per
    Contact and Opportunity, no second Task for the primary."""
    org = start_local_org(tmp_path / "org.db", shared_activities=True)
    try:
        scene = Scene(org, tmp_path)
        scene.seed_people()
        email = scene.sent("crash", ["c0", "c1", "c2"])
        ingest(scene, [email])
        with scene.opened() as engine, pytest.raises(_Crash):
            engine.worker(fast_options(), _die, check=False).run()
        written = len(scene.org_tasks())
        org.restart(shared_activities=False)
        with scene.opened() as engine:
            summary = engine.worker(fast_options(), check=False).run()
        outcome = reconcile(scene, [email["id"]], relations=False)
    finally:
        org.stop()

    assert written == 2 and outcome.unrecorded == 0  # c0's Account has two Opportunities
    assert summary.replanned == 1 and summary.deleted == 2 and summary.pending == 0
    assert outcome.exact and outcome.in_org == outcome.planned == 4, outcome
