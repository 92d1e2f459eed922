"""Several `activity-sync sync` processes on one PostgreSQL backlog (issue 8; R20).

Three workers share the pending work through the queue's leases: the org ends with
every planned Task exactly once, and nothing stays pending, also when one worker is
killed in the middle of a chunk and the others take its work over once its lease
runs out.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from scale_support import Backlog, invoke, spawn

from adapters.local_org.launcher import LocalOrg
from adapters.store.persistence import locate, open_app
from adapters.store.sql import engine_for
from adapters.store.work_queue import SqlWorkQueue

pytestmark = pytest.mark.postgres
ACTIVITIES = 200
CHUNK = "10"


def ingested(store: str, org: LocalOrg, folder: Path) -> Backlog:
    backlog = Backlog(org).seed().emails(ACTIVITIES)
    result = invoke(store, org, "ingest", str(backlog.write(folder / "backlog.jsonl")), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["accepted"] == ACTIVITIES
    assert pending(store) == ACTIVITIES
    return backlog


def pending(store: str) -> int:
    app = open_app(store)
    try:
        queue = SqlWorkQueue(app, engine_for(locate(store)))
        queue.catch_up()
        return queue.pending_count()
    finally:
        app.close()


def finished(workers: list, timeout: float = 120) -> list[dict]:
    summaries = []
    for worker in workers:
        out, err = worker.communicate(timeout=timeout)
        assert worker.returncode == 0, err[-3000:]
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    return summaries


def assert_every_task_once(backlog: Backlog, store: str) -> None:
    planned = backlog.planned_keys(store)
    in_org = backlog.org_keys()
    assert len(planned) > ACTIVITIES  # shared Tasks, one per Opportunity, leads: many records
    assert set(in_org) == planned
    assert max(in_org.values()) == 1, [k for k, n in in_org.items() if n > 1][:5]
    assert pending(store) == 0


def test_three_workers_share_one_backlog_and_write_every_task_exactly_once(
    slow_org: LocalOrg, postgres_store_url: str, tmp_path: Path
) -> None:
    """R20, issue 8: three processes, one PostgreSQL store; no Task twice, none missing."""
    backlog = ingested(postgres_store_url, slow_org, tmp_path)

    workers = [
        spawn(
            postgres_store_url,
            slow_org,
            "sync",
            "--json",
            "--chunk-size",
            CHUNK,
            "--worker-id",
            f"w{n}",
        )
        for n in range(3)
    ]
    summaries = finished(workers)

    assert sum(s["activities"] for s in summaries) == ACTIVITIES  # each activity taken once
    assert all(s["activities"] > 0 for s in summaries), summaries  # all three took a share
    assert [s["pending"] for s in summaries] == [0, 0, 0]  # each waited for the others
    assert_every_task_once(backlog, postgres_store_url)


def test_work_of_a_killed_worker_is_finished_by_the_others_after_its_lease(
    slow_org: LocalOrg, postgres_store_url: str, tmp_path: Path
) -> None:
    """R20, issue 8: SIGKILL one worker mid-chunk; the others take its leased chunk over."""
    backlog = ingested(postgres_store_url, slow_org, tmp_path)
    lease = ("--lease-seconds", "3")
    victim = spawn(
        postgres_store_url,
        slow_org,
        "sync",
        "--json",
        "--chunk-size",
        CHUNK,
        "--worker-id",
        "victim",
        *lease,
    )
    held = wait_for_lease(postgres_store_url, "victim")
    others = [
        spawn(
            postgres_store_url,
            slow_org,
            "sync",
            "--json",
            "--chunk-size",
            CHUNK,
            "--worker-id",
            f"w{n}",
            *lease,
        )
        for n in range(2)
    ]
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)

    summaries = finished(others)

    assert held > 0 and victim.returncode == -signal.SIGKILL
    assert sum(s["activities"] for s in summaries) >= ACTIVITIES - held
    assert [s["pending"] for s in summaries] == [0, 0], (held, summaries)
    assert_every_task_once(backlog, postgres_store_url)


def wait_for_lease(store: str, owner: str, timeout: float = 60) -> int:
    """How many activities `owner` holds, once it holds some (it is then mid-chunk)."""
    engine = engine_for(locate(store))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            count = connection.exec_driver_sql(
                "SELECT count(*) FROM work_items WHERE lease_owner = %(o)s", {"o": owner}
            ).scalar()
        if count:
            return int(count)
        time.sleep(0.05)
    raise AssertionError(f"{owner} never took a chunk")
