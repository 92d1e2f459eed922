"""A tiny daily API limit, over several "days", through `activity-sync sync` (R25).

The org's own counter is the judge: each day the engine stops at its share
(`api_budget_percent` of the limit) with work pending, a second run the same day only
reads the usage and pauses, and once the days add up every record is in the org once.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_support import Scene
from reliability_trials import ingest, mixed_activities, reconcile, run_cli

from adapters.local_org.launcher import LocalOrg, start_local_org

LIMIT = 40
PERCENT = 50
SHARE = LIMIT * PERCENT // 100


@pytest.fixture
def tiny_org(tmp_path: Path) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path / "org.db", api_limit=LIMIT)
    yield org
    org.stop()


def _sync(scene: Scene) -> dict:
    done = run_cli(scene, "sync", "--json", "--chunk-size", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_each_day_the_engine_stops_at_its_share_and_the_days_together_sync_everything(
    tiny_org: LocalOrg, tmp_path: Path
) -> None:
    """R25: limit 40, api_budget_percent 50: no day's usage (as the org counts it) passes 20;
    a paused run exits 0 saying so; a re-run the same day spends one call (reading the
    usage) and pauses again; resuming on later days loses and doubles nothing."""
    scene = Scene(tiny_org, tmp_path)
    scene.seed_people(contacts=12)
    made = mixed_activities(scene, 60, 12, random.Random(5))
    ingest(scene, made)
    with scene.opened() as engine:
        engine.app.change_setting("api_budget_percent", str(PERCENT), "test")

    days = []
    while not days or days[-1]["pending"]:
        assert len(days) < 8, days
        tiny_org.set_usage(used=0)  # a new day
        first = _sync(scene)
        used = int(tiny_org.state()["api_usage"])
        again = _sync(scene) if first["pending"] else None
        days.append({**first, "used": used, "after_rerun": int(tiny_org.state()["api_usage"])})
        assert used <= SHARE, days
        if again is not None:
            assert first["paused"] == again["paused"] == "budget", (first, again)
            assert "API budget reached" in (again["detail"] or "")
            assert days[-1]["after_rerun"] <= used + 1, days

    outcome = reconcile(scene, [a["id"] for a in made])
    assert len(days) >= 3, "the budget never stopped the engine"
    assert sum(d["tasks_written"] for d in days) == outcome.planned == outcome.in_org
    assert outcome.duplicates == outcome.missing == outcome.extra == 0, outcome
    assert outcome.settled == 60
