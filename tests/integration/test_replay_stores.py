"""Replay's bulk read of a chunk's events on SQLite and PostgreSQL: the same events as the
event store reads one aggregate at a time, and a plan made from them (R19, DESIGN: scale)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest_postgres import postgres_store_url  # noqa: F401  (the fixture)

from adapters.store.history import SqlHistoryReader
from adapters.store.persistence import open_app
from domain.activity import EmailActivity
from domain.model import Activity, ContactFact, Directory
from domain.planner import plan_activity
from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.ports import Undecoded
from replay.make_plan import PlanRequest, make_plan
from replay.stream import STATELESS, load

SHARED = Settings(shared_activities="on")


def written_email(n: int) -> EmailActivity:
    """A synced shared email to three contacts (its Task written with two relations)."""
    to = tuple(f"p{n}.{i}@acme.example" for i in range(3))
    activity = Activity(f"m{n}", "sent", "2026-11-02T09:00:00Z", "rep@ourco.example", to)
    directory = Directory(
        contacts_by_email={
            a: (ContactFact(f"003{n:09d}{i:06d}", a, "001A"),) for i, a in enumerate(to)
        }
    )
    plan = plan_activity(activity, directory, SHARED)
    aggregate = EmailActivity.record(activity, "test")
    aggregate.resolve(
        [r.to_dict() for r in plan.recipients], directory.to_dict(), SHARED.to_dict(), []
    )
    for task in plan.tasks:
        aggregate.form_batch(task, SHARED.version, None)
        aggregate.record_write(task, f"00T{n:015d}", True, 1)
    return aggregate


def check_store(app: ActivitySyncApp, tmp_path: Path) -> None:
    assert isinstance(app.history_reader, SqlHistoryReader)  # one read per chunk
    emails = [written_email(n) for n in range(5)]
    app.save(*emails)
    ids = [e.id for e in emails]

    bulk = app.events_of(ids, skip=STATELESS)
    loaded = load(app, ids)
    header, _ = make_plan(
        app, PlanRequest(Settings(shared_activities="off", version=9)), tmp_path / "plan.json"
    )

    for aggregate_id in ids:
        one_by_one = list(app.events.get(aggregate_id))
        got = bulk[aggregate_id]
        assert [e.originator_version for e in got] == [e.originator_version for e in one_by_one]
        assert [e for e in got if not isinstance(e, Undecoded)] == [
            e for e in one_by_one if type(e).TOPIC not in STATELESS
        ]
    assert [item.activity.version for item in loaded] == [e.version for e in emails]
    assert [item.activity.batches for item in loaded] == [e.batches for e in emails]
    assert header["totals"]["changed"] == 5
    assert header["counts"]["create"] == 15 and header["counts"]["delete"] == 5


def test_bulk_read_on_sqlite_matches_the_event_store(tmp_path: Path) -> None:
    app = open_app(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        check_store(app, tmp_path)
    finally:
        app.close()


@pytest.mark.postgres
def test_bulk_read_on_postgresql_matches_the_event_store(
    postgres_store_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    app = open_app(postgres_store_url)
    try:
        check_store(app, tmp_path)
    finally:
        app.close()
