"""The org's shared-activities setting is read at most every five minutes by all the
processes of a store together, not once per process (R17), and a disable within those five
minutes is still caught by the first refused write (R18). Against the local org over HTTPS."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sync_e2e_support import SyncCase, people

from adapters.bootstrap import Runtime
from domain.org_watch import ORG_WATCH_ID, OrgWatch
from domain.settings import OrgSettings
from projections.tracker import SettingsTracker

CLI = "from adapters.cli.main import main; main()"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def reads(engine: Runtime) -> list[tuple[bool, str]]:
    """The reads of the setting recorded in the store's log."""
    events = engine.app.events.get(ORG_WATCH_ID)
    return [(e.enabled, e.source) for e in events if isinstance(e, OrgWatch.SharedActivitiesRead)]


def sync_process(case: SyncCase) -> int:
    """`activity-sync sync` as its own process (no drift look); the API calls it made."""
    env = {**os.environ, **case.org.environment(), "ACTIVITY_SYNC_STORE": case.store_url}
    before = int(case.org.state()["api_usage"])
    done = subprocess.run(
        [sys.executable, "-c", CLI, "sync", "--drift-minutes", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return int(case.org.state()["api_usage"]) - before


def test_a_second_sync_process_within_five_minutes_reads_no_setting(case: SyncCase) -> None:
    """R17, R24: the first run reads ActivitiesSettings and records the read; the next run,
    a process of its own a moment later with the same work, uses it: one API call fewer."""
    case.seed({"contacts": people("c", 4, case.domain)})
    case.ingest(case.sent("first", ["c0", "c1"]))
    first = sync_process(case)
    case.ingest(case.sent("second", ["c2", "c3"]))
    second = sync_process(case)
    assert second == first - 1
    with case.engine() as engine:
        assert reads(engine) == [(True, "metadata_api")]


def tracker_at(engine: Runtime, now: datetime) -> SettingsTracker:
    """The sync worker's tracker, on a clock fixed at `now`."""
    return SettingsTracker(engine.app, engine.gateway(), clock=lambda: now, across_processes=True)


def test_a_recorded_read_five_minutes_old_is_read_again(case: SyncCase) -> None:
    """R17: each engine below stands for a new process; the recorded read stands for 299 s,
    not for 300 s."""
    seen = []
    for offset in (0, 299, 300):
        with case.engine() as engine:
            settings = tracker_at(engine, T0 + timedelta(seconds=offset)).current()
            seen.append((settings.org_shared_activities, engine.gateway().calls_made))
    # a read costs the budget check (/limits, once per process) and readMetadata
    assert seen == [(True, 2), (True, 0), (True, 2)]
    with case.engine() as engine:
        assert len(reads(engine)) == 2


def test_a_disable_within_the_five_minutes_is_caught_by_the_refused_write(
    fresh_case: Any,
) -> None:
    """R18: the org is read (on), then support disables shared activities; the next sync
    process believes the recorded read, its shared write is refused, it reads again, records
    the change and writes one Task per Contact. Nothing is lost."""
    case: SyncCase = fresh_case(shared_activities=True)
    case.seed({"contacts": people("c", 3, case.domain)})
    case.ingest(case.sent("before", ["c0", "c1"]))
    assert case.sync().tasks_written == 1
    case.org.restart(shared_activities=False)
    case.ingest(case.sent("after", ["c1", "c2"]))
    second = case.sync()
    assert second.replanned == 1 and second.tasks_written == 2 and second.pending == 0
    with case.engine() as engine:
        observed = [
            (e.enabled, e.source)
            for e in engine.app.settings_history()
            if isinstance(e, OrgSettings.SharedActivitiesObserved)
        ]
        assert reads(engine) == [(True, "metadata_api"), (False, "metadata_api")]
    assert observed == [(True, "metadata_api"), (False, "write_refused")]
    after = Counter(t["WhoId"] for t in case.tasks(shared=False) if "after" in t["Subject"])
    assert after == Counter(case.who("c1", "c2"))
