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
from reliability_trials import CrashTrial

from adapters.local_org.launcher import LocalOrg, start_local_org

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
