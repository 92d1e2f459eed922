"""Explain adds up after replays (R21): each write with its own relation count, in time order,
each replay's reason, and every Salesforce id a sync key ever had.

Synced with the real worker into the local org over HTTPS, replayed with the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_e2e_support import SyncCase, people, store_url_in
from test_sync_drift import run

from adapters.local_org.launcher import LocalOrg, start_local_org
from domain.activity import EmailActivity
from domain.model import Activity, PlannedTask
from projections.explain.story import fold


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    running = start_local_org(
        tmp_path_factory.mktemp("story-org") / "org.db", people={"pat": "Pat"}
    )
    yield running
    running.stop()


def replay(case: SyncCase, folder: Path, name: str, *apply: str) -> dict[str, Any]:
    plan = folder / f"{name}.json"
    run(case, "replay", "plan", "--out", str(plan))
    return run(case, "replay", "apply", str(plan), "--sync", "--json", "--yes", *apply)


def test_each_write_tells_its_own_relations_and_an_old_salesforce_id_still_finds_the_task(
    org: LocalOrg, tmp_path: Path
) -> None:
    case = SyncCase(org, store_url_in(tmp_path))
    case.seed(
        {
            "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
            "contacts": people("c", 3, case.domain, AccountId="@acme"),
        }
    )
    case.ingest(case.sent("story", ["c0", "c1", "c2"]))
    run(case, "sync", "--json", "--drift-minutes", "0")
    (first,) = case.tasks()
    run(case, "settings", "set", "batch_size", "2")  # the same primary keeps the sync key
    replay(case, tmp_path, "smaller")

    story = run(case, "explain", first["Id"], "--json")
    (task,) = story["tasks"]
    text = run(case, "explain", first["Id"])

    assert "related 2 people more" in text and "related 1 person more" in text
    assert "related 3 people" not in text
    assert {r["reason"] for r in task["replays"]} == {"replay"}
    ordered = [line.split()[0] for line in text.splitlines() if line.startswith("  20")]
    assert ordered == sorted(ordered)  # the story reads in the order things happened

    org.salesforce(as_user="pat").Task.delete(first["Id"])
    run(case, "settings", "set", "include_bcc", "true")
    replay(case, tmp_path, "forced", "--force")  # the deleted Task is re-created: a new Id
    again = run(case, "explain", first["Id"], "--json")  # found by the Id it had before
    (task,) = again["tasks"]
    assert task["salesforce_ids"][0] == first["Id"] and len(task["salesforce_ids"]) == 2
    assert task["salesforce_id"] == task["salesforce_ids"][1] != first["Id"]


def planned(key: str) -> PlannedTask:
    return PlannedTask(
        sync_key=key,
        sobject="Task",
        who_id="003A",
        who_ids=("003A",),
        what_id=None,
        what_rule="R10d",
        account_id=None,
        shared=False,
        fields={"Subject": "hi"},
    )


def test_a_refused_rewrite_leaves_the_task_written_and_a_batch_retired_unwritten_is_retired() -> (
    None
):
    """R21, R23: the org still holds what was written when a later re-write is refused;
    a batch retired before any write is `retired`, not `deleted`."""
    email = Activity("m1", "sent", "2026-11-02T09:00:00Z", "rep@ours.example", ("a@x.example",))
    activity = EmailActivity.record(email, "test")
    activity.form_batch(planned("k1"), 1, None)
    activity.record_write(planned("k1"), "00T000000000001AAA", True, 1)
    activity.form_batch(planned("k1"), 2, "replay-1", "replay")
    activity.record_failure("k1", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "no", False, 1)
    activity.form_batch(planned("k2"), 2, "replay-1", "replay")
    activity.retire("k2", "replay", "replay-2")
    activity.record_deletion("k2", "", already_gone=True)

    story = fold(activity.collect_events())

    written, retired = story.tasks["k1"], story.tasks["k2"]
    assert (written.status, written.status_detail) == ("written", "a later re-write was refused")
    assert retired.status == "retired"
