"""The task view's pure rules: each event's row changes, their merging, and an activity's outcome."""

from __future__ import annotations

from typing import Any

import pytest

from domain.activity import EmailActivity
from domain.model import Activity, PlannedTask
from domain.sync_run import SyncRun
from projections.audit_view import (
    ACTIVITIES,
    COUNTERS,
    FAILURES,
    REPLAYS,
    SYNC_RUNS,
    TASKS,
    Add,
    ChunkChanges,
    Put,
    activity_outcome,
    is_followed,
    rejected_line_changes,
    view_changes,
)

TASK = PlannedTask(
    sync_key="as1_k",
    sobject="Task",
    who_id="003A",
    who_ids=("003A", "003B", "003C"),
    what_id="001X",
    what_rule="R10c",
    account_id="001X",
    shared=True,
)


def _activity() -> EmailActivity:
    activity = Activity(
        id="m1", type="sent", occurred_at="2026-03-02T09:30:00Z", sender="rep@ourco.example"
    )
    return EmailActivity.record(activity, "stdin:1")


def _changes(aggregate: Any) -> list[list[Put | Add]]:
    return [view_changes(event) for event in aggregate.collect_events()]


def test_a_formed_batch_puts_a_planned_task_with_its_member_count() -> None:
    """R7, R8: the view keeps who is primary, how many share the Task, and the rule of WhatId."""
    aggregate = _activity()
    aggregate.form_batch(TASK, 4, None)

    recorded, formed = _changes(aggregate)

    assert recorded[0].table == ACTIVITIES and recorded[0].values["source_id"] == "m1"
    (put,) = formed
    assert (put.table, put.key) == (TASKS, ("as1_k",))
    values = put.values
    assert (values["status"], values["member_count"], values["who_id"]) == ("planned", 3, "003A")
    assert (values["what_rule"], values["settings_version"], values["shared"]) == ("R10c", 4, True)


def test_a_replayed_batch_is_also_a_replay_row() -> None:
    """R19: BatchFormed and BatchRetired of a replay are listed with the replay id."""
    aggregate = _activity()
    aggregate.form_batch(TASK, 4, "replay-1")
    aggregate.retire("as1_k", "settings changed", "replay-2")

    _, formed, retired = _changes(aggregate)

    assert [c.table for c in formed] == [TASKS, REPLAYS]
    assert formed[1].values["kind"] == "formed" and formed[1].values["replay_id"] == "replay-1"
    assert retired[0].values["status"] == "retired"
    assert retired[1].values == {**retired[1].values, "kind": "retired", "replay_id": "replay-2"}


@pytest.mark.parametrize(("retryable", "status"), [(True, None), (False, "failed")])
def test_only_a_permanent_refusal_fails_the_task(retryable: bool, status: str | None) -> None:
    """R25: a retryable refusal is recorded but leaves the Task pending."""
    aggregate = _activity()
    aggregate.form_batch(TASK, 1, None)
    aggregate.record_failure("as1_k", "UNABLE_TO_LOCK_ROW", "locked", retryable, 1)

    failed = _changes(aggregate)[-1]

    task, failure = failed
    assert task.values.get("status") == status
    assert task.values["error_code"] == "UNABLE_TO_LOCK_ROW"
    assert failure.table == FAILURES and failure.values["retryable"] is retryable


def test_written_tasks_and_relations_are_put_by_sync_key() -> None:
    """R8: the primary is on the Task; each secondary contact is a relation row."""
    aggregate = _activity()
    aggregate.form_batch(TASK, 1, None)
    aggregate.record_write(TASK, "00TWRITTEN", True, 1)

    changes = [c for batch in _changes(aggregate)[2:] for c in batch]

    assert changes[0].values["status"] == "written"
    assert changes[0].values["salesforce_id"] == "00TWRITTEN"
    # R21: the id is kept apart too, so explain finds the Task by it after a replay
    assert (changes[1].table, changes[1].key) == ("view_task_ids", ("00TWRITTEN",))
    assert [c.key for c in changes[2:]] == [("as1_k", "003B"), ("as1_k", "003C")]


def test_chunk_changes_merge_puts_in_order_and_sum_adds() -> None:
    """R20: merging a chunk gives what applying its events one by one would."""
    chunk = ChunkChanges()
    chunk.extend([Put(TASKS, ("k",), {"activity_uuid": "u", "status": "planned", "attempt": 1})])
    chunk.extend([Put(TASKS, ("k",), {"activity_uuid": "u", "status": "written"})])
    chunk.extend(rejected_line_changes() + rejected_line_changes())
    chunk.extend(
        [Add(SYNC_RUNS, ("r",), {"api_calls": 3}), Add(SYNC_RUNS, ("r",), {"api_calls": 4})]
    )

    assert chunk.puts[(TASKS, ("k",))] == {"activity_uuid": "u", "status": "written", "attempt": 1}
    assert chunk.adds[(COUNTERS, ("rejected_lines",))] == {"value": 2}
    assert chunk.adds[(SYNC_RUNS, ("r",))] == {"api_calls": 7}
    assert chunk.touched == {"u"}


def test_a_synced_chunk_adds_its_calls_and_keeps_the_latest_usage() -> None:
    """R24, R25: API calls add up; the org's reported usage is the latest value."""
    run = SyncRun.start("w", 1)
    run.record_chunk(
        activities=3,
        emails=2,
        records_written=2,
        records_failed=0,
        api_calls=4,
        api_used=10,
        api_limit=100,
        resynced=1,
        resync_api_calls=1,
    )

    _, chunk = _changes(run)

    add, again, usage = chunk
    assert add.deltas["api_calls"] == 4 and add.deltas["emails"] == 2
    assert again.deltas == {"activities": 1, "api_calls": 1}  # R24: re-syncs counted apart
    assert usage.values["api_used"] == 10 and usage.values["api_limit"] == 100


@pytest.mark.parametrize(
    ("resolved", "tasks", "outcome"),
    [
        (False, [], "pending"),
        (True, [], "nothing_to_write"),
        (True, [("written", False), ("failed", False)], "failed"),
        (True, [("written", False), ("planned", False)], "pending"),
        (True, [("retired", True)], "pending"),
        (True, [("retired", False)], "nothing_to_write"),
        (True, [("written", False), ("deleted", False)], "synced"),
    ],
)
def test_an_activity_outcome_follows_its_tasks(
    resolved: bool, tasks: list[tuple[str, bool]], outcome: str
) -> None:
    """R23: synced, pending, failed or nothing to write."""
    assert activity_outcome(resolved, tasks) == outcome


def test_only_activity_and_sync_run_events_are_decoded() -> None:
    """The view skips events it does not follow (settings, ingest runs) without decoding them."""
    assert is_followed("activity_sync:EmailActivity.TaskCreated")
    assert is_followed("activity_sync:SyncRun.ChunkSynced")
    assert not is_followed("activity_sync:OrgSettings.Changed")
    assert not is_followed("activity_sync:IngestRun.Started")
