"""The times people read are in their zone (`--tz`, ACTIVITY_SYNC_TZ, else the machine's);
JSON keeps ISO-8601 UTC for machines (R16, R21, R23, R27)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from replay_support import EXECUTABLE, Case, new_case

from adapters.local_org.launcher import start_local_org

# The case's email was sent at 2026-11-02T09:00:00Z.
SENT = {
    "UTC": "2026-11-02 09:00:00 UTC",
    "America/New_York": "2026-11-02 04:00:00 EST",
    "Asia/Kolkata": "2026-11-02 14:30:00 IST",
    "Europe/Berlin": "2026-11-02 10:00:00 CET",
}


@dataclass
class Synced:
    case: Case
    task_id: str

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        base = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "COLUMNS": "200", "TZ": "UTC"}
        done = subprocess.run(
            [str(EXECUTABLE), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**base, **self.case.env(), **env},
        )
        assert done.returncode == 0, done.stderr
        return done


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    folder = tmp_path_factory.mktemp("zones")
    org = start_local_org(folder / "org.db")
    try:
        case = new_case(org, folder, "zone", 2)
        case.email("zone-1", 2)
        case.sync()
        (task,) = case.tasks()
        yield Synced(case, task["Id"])
    finally:
        org.stop()


def in_zone(iso: str, zone: str) -> str:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_tz_shows_explain_times_in_that_zone_and_json_stays_utc(synced: Synced, zone: str) -> None:
    """R21: the activity's time and each write's time, in the zone asked for."""
    human = synced.run("--tz", zone, "explain", synced.task_id).stdout
    document = json.loads(synced.run("--tz", zone, "explain", synced.task_id, "--json").stdout)
    assert SENT[zone] in human
    written = document["tasks"][0]["writes"][0]["at"]
    assert written.endswith("+00:00")  # JSON: ISO-8601 UTC whatever the zone
    assert in_zone(written, zone) in human


def test_the_environment_sets_the_zone_and_the_option_wins_over_it(synced: Synced) -> None:
    """ACTIVITY_SYNC_TZ for a whole shell; --tz for one command."""
    by_env = synced.run("explain", synced.task_id, ACTIVITY_SYNC_TZ="Asia/Kolkata").stdout
    both = synced.run("--tz", "UTC", "explain", synced.task_id, ACTIVITY_SYNC_TZ="Asia/Kolkata")
    assert SENT["Asia/Kolkata"] in by_env
    assert SENT["UTC"] in both.stdout


def test_without_a_choice_times_are_in_the_machine_zone(synced: Synced) -> None:
    out = synced.run("explain", synced.task_id, TZ="Europe/Berlin").stdout
    assert SENT["Europe/Berlin"] in out


def test_settings_history_shows_each_version_in_the_zone_named_in_its_header(
    synced: Synced,
) -> None:
    """R16: `at (Asia/Kolkata)` over times 5:30 ahead of the UTC the JSON keeps."""
    human = synced.run("--tz", "Asia/Kolkata", "settings", "history").stdout
    versions = json.loads(synced.run("settings", "history", "--json").stdout)["versions"]
    assert "at (Asia/Kolkata)" in human
    for version in versions:
        assert in_zone(version["at"], "Asia/Kolkata") in human


def test_stats_and_drift_show_their_times_in_the_zone(synced: Synced) -> None:
    """R23, R27: the org's usage reading and the drift window, in the zone asked for."""
    stats = json.loads(synced.run("stats", "--json").stdout)
    seen = stats["api"]["latest"]["at"]
    human = synced.run("--tz", "America/New_York", "stats").stdout
    assert f"at {in_zone(seen, 'America/New_York')} EST" in human

    synced.run("drift")  # a first look, so the next one has a window to show
    since = json.loads(synced.run("drift", "--json").stdout)["since"]
    again = synced.run("--tz", "Asia/Kolkata", "drift").stdout
    assert f"since {in_zone(since, 'Asia/Kolkata')} IST" in again
