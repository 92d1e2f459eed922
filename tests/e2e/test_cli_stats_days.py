"""`activity-sync stats --days N`: the daily trends read model as an admin reads it (R23, R24)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from audit_support import Store, first_part, open_store

EXECUTABLE = Path(sys.executable).with_name("activity-sync")


def run(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), "--store", store.url, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    opened = open_store(tmp_path_factory.mktemp("stats-days"))
    first_part(opened, emails=2)
    opened.app.close()
    return opened


def test_the_last_seven_days_end_today_and_count_what_was_synced(store: Store) -> None:
    """R23: six activities written, one refused for good, 8 API calls and the Tasks sharing
    avoided (two 3-contact emails and a 60-contact one: 2 + 2 + 49 + 9) land on today;
    the other days are zeros."""
    result = run(store, "stats", "--days", "7", "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    days = document["days"]
    today = datetime.now(UTC).date()
    assert [d["date"] for d in days] == [
        (today - timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    assert days[-1] == {
        "date": today.isoformat(),
        "synced": 6,
        "failed": 1,
        "api_calls": 8,
        "tasks_avoided": 62,
    }
    assert all(
        d["synced"] == d["failed"] == d["api_calls"] == d["tasks_avoided"] == 0 for d in days[:-1]
    )
    assert days[-1]["tasks_avoided"] == document["avoided_by_sharing"]["tasks"]


def test_stats_without_days_keeps_its_document(store: Store) -> None:
    """R23: `days` is there only when asked for."""
    result = run(store, "stats", "--json")
    assert result.returncode == 0 and "days" not in json.loads(result.stdout)


def test_the_text_output_is_a_compact_table_with_totals(store: Store) -> None:
    result = run(store, "stats", "--days", "3")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("the last 3 days (UTC)")
    assert lines[start + 1].split() == ["date", "synced", "failed", "api", "calls", "avoided"]
    assert lines[start + 4].split()[1:] == ["6", "1", "8", "62"]
    assert lines[start + 5].split() == ["total", "6", "1", "8", "62"]


@pytest.mark.parametrize("days", ["0", "367", "-3", "week"])
def test_days_outside_one_to_366_are_refused_with_exit_2(store: Store, days: str) -> None:
    """Bad input: one sentence, exit 2, nothing printed on stdout."""
    result = run(store, "stats", "--days", days, "--json")

    assert result.returncode == 2
    assert result.stdout == ""
    assert "--days" in result.stderr and "Traceback" not in result.stderr


def test_views_rebuild_builds_the_same_days_again(store: Store) -> None:
    """Every table is a view: dropped and rebuilt from the log, the days are the same."""
    before = json.loads(run(store, "stats", "--days", "2", "--json").stdout)["days"]
    rebuilt = run(store, "views", "rebuild", "--json")
    after = json.loads(run(store, "stats", "--days", "2", "--json").stdout)["days"]

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert after == before
