"""Two small things an admin meets against the local org: `sync --json` names the code of
every refused record (R25), and `explain` takes an 18-character id in any letter case, as
Salesforce does (R21)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from replay_support import new_case, run

from adapters.local_org.launcher import start_local_org


def test_sync_json_counts_every_refused_record_under_its_code(tmp_path: Path) -> None:
    """R18, R25: shared activities forced on, the org without them: the shared Task is
    refused for good, and `failures` says why, adding up to `records_failed`."""
    org = start_local_org(tmp_path / "org.db", shared_activities=False)
    try:
        case = new_case(org, tmp_path, "forced", 2)
        case.setting("shared_activities", "on")
        case.email("forced-1", 2)

        synced = run(case, "sync", "--json")
    finally:
        org.stop()

    summary = json.loads(synced.stdout)
    assert synced.returncode == 1 and summary["records_failed"] == 1
    assert summary["failures"] == {"SHARED_ACTIVITIES_UNAVAILABLE": 1}


@pytest.mark.parametrize("case_of", [str.lower, str.upper], ids=["lower", "upper"])
def test_explain_finds_a_task_by_its_18_character_id_in_any_letter_case(
    shared_org, tmp_path: Path, case_of
) -> None:
    """R21: Salesforce reads an 18-character id whatever its letter case (the last three
    characters restore it); explain does too."""
    case = new_case(shared_org, tmp_path, f"idcase{case_of.__name__}", 2)
    case.email(f"idcase-{case_of.__name__}", 2)
    case.sync()
    (task,) = case.tasks()
    typed = case_of(task["Id"])
    assert shared_org.salesforce().Task.get(typed)["Id"] == task["Id"]  # Salesforce accepts it

    explained = run(case, "explain", typed, "--json")

    assert explained.returncode == 0, explained.stderr
    document = json.loads(explained.stdout)
    assert document["query"]["matched"] == "salesforce_id"
    assert [t["salesforce_id"] for t in document["tasks"]] == [task["Id"]]
