"""Two (and three) `activity-sync sync` processes started at once on one SQLite store (R20).

They share the backlog through the queue's leases: each takes chunks no other holds, both
exit 0, no record is written twice, and the org holds every planned Task once. They also
race to create the queue's tables, which a fresh store does not have yet.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import Scene
from reliability_trials import ingest, mixed_activities, reconcile, start_cli

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def shared_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("two-org") / "org.db", faults="LATENCY_MS:10")
    yield org
    org.stop()


@pytest.mark.parametrize("workers", [2, 3])
def test_sync_processes_started_together_share_the_work_and_never_write_a_record_twice(
    shared_org: LocalOrg, tmp_path: Path, workers: int
) -> None:
    """R20: 150 activities, `workers` sync processes at once on one store: every process
    ends well, their activity counts add up to the backlog, their Task counts to the plan
    (nothing upserted twice), and the org matches the store exactly."""
    scene = Scene(shared_org, tmp_path)
    scene.seed_people(contacts=20)
    made = mixed_activities(scene, 150, 20, random.Random(workers))
    ingest(scene, made)

    processes = [start_cli(scene, "sync", "--json", "--chunk-size", "10") for _ in range(workers)]
    answers = [(p, *p.communicate(timeout=180)) for p in processes]

    summaries = []
    for process, out, err in answers:
        assert process.returncode == 0, err.decode()[-2000:]
        summaries.append(json.loads(out.decode().splitlines()[-1]))
    outcome = reconcile(scene, [a["id"] for a in made])
    assert sum(s["activities"] for s in summaries) == 150, summaries
    assert sum(1 for s in summaries if s["activities"]) >= 2, "the work was not shared"
    assert sum(s["tasks_written"] for s in summaries) == outcome.planned == outcome.in_org
    assert outcome.duplicates == outcome.missing == outcome.extra == 0, outcome
    assert outcome.settled == 150
