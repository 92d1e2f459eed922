"""Ingest writes many activities per store transaction (issue 8, item 3), on SQLite and PostgreSQL.

The recorder's `insert_events` is one transaction; counting its calls and the Recorded
events in each shows a large file is not bound by one transaction per activity.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.input.ingest import ingest_stream
from adapters.store.persistence import open_app
from projections.application import ActivitySyncApp

ACTIVITIES = 2_500
CHUNK = 1_000
RECORDED = "activity_sync:EmailActivity.Recorded"


def lines(count: int, tag: str = "bulk") -> bytes:
    return b"".join(
        json.dumps(
            {
                "id": f"{tag}-{n}",
                "type": "sent",
                "occurred_at": "2026-11-02T09:00:00Z",
                "sender": "rep@ours.example",
                "to": [f"p{n % 97}@customer.example", f"q{n % 89}@customer.example"],
                "subject": f"Quote {n}",
            }
        ).encode()
        + b"\n"
        for n in range(count)
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield request.getfixturevalue("postgres_store_url")


class CountingInserts:
    """Wraps the app's recorder: how many Recorded events each transaction carried."""

    def __init__(self, app: ActivitySyncApp) -> None:
        self.recorded_per_transaction: list[int] = []
        self._insert = app.recorder.insert_events
        app.recorder.insert_events = self  # type: ignore[method-assign]

    def __call__(self, stored_events: Any, **kwargs: Any) -> Any:
        recorded = sum(1 for e in stored_events if e.topic == RECORDED)
        self.recorded_per_transaction.append(recorded)
        return self._insert(stored_events, **kwargs)


def test_ingest_records_a_thousand_activities_per_transaction(store_url: str) -> None:
    """Issue 8: 2,500 activities take three transactions of Recorded events, not 2,500."""
    app = open_app(store_url)
    counting = CountingInserts(app)
    try:
        report = ingest_stream(app, io.BytesIO(lines(ACTIVITIES)), "file:bulk.jsonl", chunk=CHUNK)
    finally:
        app.close()

    with_activities = [n for n in counting.recorded_per_transaction if n]
    assert report.accepted == ACTIVITIES
    assert sum(with_activities) == ACTIVITIES and len(with_activities) == 3
    assert min(with_activities[:2]) >= CHUNK - 1  # a chunk also counts the run's own events
    assert len(counting.recorded_per_transaction) <= len(with_activities) + 2  # the run's record


def test_a_chunk_with_a_few_known_ids_still_saves_the_rest_in_bulk(store_url: str) -> None:
    """R20: re-delivered ids inside a chunk are set aside; the new ones still go in one write."""
    app = open_app(store_url)
    try:
        ingest_stream(app, io.BytesIO(lines(10)), "file:first.jsonl")
        counting = CountingInserts(app)
        report = ingest_stream(app, io.BytesIO(lines(CHUNK)), "file:again.jsonl", chunk=CHUNK)
    finally:
        app.close()

    assert (report.accepted, report.duplicates) == (CHUNK - 10, 10)
    with_activities = [n for n in counting.recorded_per_transaction if n]
    assert sum(with_activities) == CHUNK - 10 and max(with_activities) >= CHUNK - 11
