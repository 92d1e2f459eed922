"""Which records go by Bulk API 2.0, how they become CSV, how results come back (R20, R24, R25)."""

from __future__ import annotations

import csv
import io

import pytest

from adapters.salesforce.bulk_jobs import JOB_CALLS, JobResult
from adapters.salesforce.bulk_writes import (
    DEFAULT_THRESHOLD,
    by_column,
    id_sobject,
    item_sobject,
    parse_error,
    split,
    tables,
    upsert_outcome,
)
from adapters.salesforce.writes import Item

FIELD = "Activity_Sync_Key__c"


def item(n: int, sobject: str = "Task", who_ids: bool = False, **values: object) -> Item:
    body = {"attributes": {"type": sobject}, "Subject": "s", FIELD: f"k{n}", **values}
    return Item(n, f"k{n}", body, who_ids)


def test_the_default_threshold_is_where_composite_needs_more_calls_than_a_job_r24() -> None:
    """R24: from 8,000 records composite needs 8 calls, a job that ends by its first poll 7."""
    assert JOB_CALLS == 7 and DEFAULT_THRESHOLD == 8000


def test_only_objects_whose_eligible_records_reach_the_threshold_go_by_bulk_r24() -> None:
    """R24, R8: 3 Tasks reach a threshold of 3, 2 Events do not; TaskWhoIds stays on composite."""
    items = [item(0), item(1, "Event"), item(2), item(3, who_ids=True), item(4), item(5, "Event")]
    bulk, rest = split(items, 3, item_sobject)
    assert [i.position for i in bulk] == [0, 2, 4]
    assert [i.position for i in rest] == [1, 3, 5]
    assert split(items, None, item_sobject) == ([], items)


def test_a_text_that_a_bulk_csv_would_read_as_null_stays_on_composite_r20() -> None:
    """R20: "#N/A" in a Bulk cell clears the field, so such a record is not sent by Bulk."""
    assert item_sobject(item(0, Description="#N/A")) is None
    assert item_sobject(item(0, Description="N/A", WhatId=None)) == "Task"


def test_deletes_go_by_bulk_for_task_and_event_ids_only_r19() -> None:
    assert [id_sobject(i) for i in ("00T000000000001AAA", "00U000000000001AAA", "001x")] == [
        "Task",
        "Event",
        None,
    ]


def test_the_csv_keeps_nulls_quotes_and_line_breaks_and_splits_by_size_r24() -> None:
    """R24: None is #N/A, a missing column is an empty cell; parts stay under the byte limit."""
    rows = [{"A": 'x, "y"\nz', "B": None}, {"A": "2", "C": True}, {"A": "3"}]
    [(members, text)] = tables(["r0", "r1", "r2"], rows)
    assert members == ["r0", "r1", "r2"]
    assert list(csv.DictReader(io.StringIO(text))) == [
        {"A": 'x, "y"\nz', "B": "#N/A", "C": ""},
        {"A": "2", "B": "", "C": "true"},
        {"A": "3", "B": "", "C": ""},
    ]
    parts = tables(["r0", "r1", "r2"], rows, limit=len("A,B,C\n") + 8)
    assert [m for m, _ in parts] == [["r0"], ["r1"], ["r2"]]


def test_results_map_back_by_sync_key_whatever_their_order_r20_r25() -> None:
    """R20, R25: created flags and ids by key; a refusal keeps its code; missing is retryable."""
    result = JobResult(
        "750x",
        "JobComplete",
        successful=[
            {"sf__Id": "00T2", "sf__Created": "false", FIELD: "k2"},
            {"sf__Id": "00T0", "sf__Created": "true", FIELD: "k0"},
        ],
        failed=[
            {
                "sf__Id": "",
                "sf__Error": "REQUIRED_FIELD_MISSING:Missing: [Subject]:Subject --",
                FIELD: "k1",
            }
        ],
        unprocessed=[{FIELD: "k3"}],
    )
    answers = by_column(result, FIELD)
    outcomes = [upsert_outcome(item(n), answers.get(f"k{n}"), result) for n in range(5)]
    assert [(o.ok, o.salesforce_id, o.created) for o in outcomes[:1]] == [(True, "00T0", True)]
    assert (outcomes[2].salesforce_id, outcomes[2].created) == ("00T2", False)
    assert (outcomes[1].code, outcomes[1].message, outcomes[1].retryable) == (
        "REQUIRED_FIELD_MISSING",
        "Missing: [Subject]:Subject",
        False,
    )
    assert [(o.code, o.retryable) for o in outcomes[3:]] == [
        ("BULK_UNPROCESSED", True),
        ("MISSING_RESULT", True),
    ]


@pytest.mark.parametrize("state", ["Failed", "Aborted"])
def test_a_job_that_ends_failed_or_aborted_leaves_every_record_retryable_r25(state: str) -> None:
    result = JobResult("750x", state, "InvalidBatch : bad header")
    outcome = upsert_outcome(item(0), None, result)
    assert (outcome.ok, outcome.code, outcome.retryable) == (
        False,
        f"BULK_JOB_{state.upper()}",
        True,
    )
    assert outcome.message == "InvalidBatch : bad header"


def test_a_lock_error_in_a_row_is_retryable_r25() -> None:
    """R25: the code before the first colon is classified as any other refusal."""
    result = JobResult(
        "750x",
        "JobComplete",
        failed=[
            {"sf__Error": "UNABLE_TO_LOCK_ROW:unable to obtain exclusive access: --", FIELD: "k0"}
        ],
    )
    outcome = upsert_outcome(item(0), by_column(result, FIELD).get("k0"), result)
    assert (outcome.code, outcome.message, outcome.retryable) == (
        "UNABLE_TO_LOCK_ROW",
        "unable to obtain exclusive access",
        True,
    )
    assert parse_error("") == ("UNKNOWN_ERROR", "")


def test_a_job_the_org_refuses_for_good_fails_its_records_with_the_org_code_r25() -> None:
    """R25: recorded on each record, not retryable, so the composite part of the call still goes."""
    result = JobResult("", "Refused", "insufficient access rights", "INSUFFICIENT_ACCESS")
    outcome = upsert_outcome(item(0), None, result)
    assert (outcome.ok, outcome.code, outcome.message, outcome.retryable) == (
        False,
        "INSUFFICIENT_ACCESS",
        "insufficient access rights",
        False,
    )
