"""Daily trends (R23, R24): what each logged event adds to its UTC day, and the days shown."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from adapters.cli.trends_render import days_lines
from domain.activity import EmailActivity
from domain.sync_run import SyncRun
from projections.daily_trends import filled, increment, last_days

ACTIVITY = uuid.uuid4()
LATE_EVENING_IN_NEW_YORK = datetime(2026, 3, 2, 22, 30, tzinfo=timezone(timedelta(hours=-5)))


def created(who: int, created: bool | None = True, at: datetime | None = None) -> Any:
    return EmailActivity.TaskCreated(
        originator_id=ACTIVITY,
        originator_version=3,
        timestamp=at or datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        sync_key="as1_x",
        salesforce_id="00T000000000001AAA",
        sobject="Task",
        created=created,
        who_ids=[f"003{n:015d}" for n in range(who)],
        what_id=None,
        attempt=1,
    )


def failed(retryable: bool) -> Any:
    return EmailActivity.SyncFailed(
        originator_id=ACTIVITY,
        originator_version=4,
        timestamp=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        sync_key="as1_x",
        code="INVALID_FIELD",
        message="No such column",
        retryable=retryable,
        attempt=1,
    )


def chunk(calls: int) -> Any:
    return SyncRun.ChunkSynced(
        originator_id=uuid.uuid4(),
        originator_version=2,
        timestamp=datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC),
        activities=3,
        emails=3,
        records_written=3,
        records_failed=0,
        api_calls=calls,
        api_used=None,
        api_limit=None,
        resynced=0,
        resync_api_calls=0,
    )


def test_a_shared_task_of_sixty_contacts_avoids_fifty_nine_tasks() -> None:
    """R23: one shared Task instead of one per contact avoids its contacts less one."""
    found = increment(created(60))
    assert found is not None
    assert (found.day, found.tasks_avoided, found.activity) == ("2026-03-02", 59, str(ACTIVITY))


def test_an_individual_task_counts_its_activity_as_synced_and_avoids_nothing() -> None:
    """R23: a one-contact Task avoids nothing; its activity counts as synced that day."""
    found = increment(created(1))
    assert found is not None and found.tasks_avoided == 0 and found.activity == str(ACTIVITY)


def test_rewriting_an_existing_shared_task_avoids_nothing_new() -> None:
    """R20: an upsert that updated the record already counted it."""
    found = increment(created(5, created=False))
    assert found is not None and found.tasks_avoided == 0


def test_the_day_is_the_utc_day_of_the_event() -> None:
    """A moment late on 2 March in New York is 3 March in UTC."""
    found = increment(created(2, at=LATE_EVENING_IN_NEW_YORK))
    assert found is not None and found.day == "2026-03-03"


def test_only_refusals_for_good_count_as_failed() -> None:
    """R25: a retryable refusal is retried by the engine, not a failure of the day."""
    permanent = increment(failed(False))
    assert permanent is not None and permanent.failed == 1
    assert increment(failed(True)) is None


def test_a_chunk_adds_its_api_calls() -> None:
    """R24: the calls a sync chunk spent count on its day."""
    found = increment(chunk(7))
    assert found is not None and (found.day, found.api_calls) == ("2026-03-02", 7)
    assert increment(chunk(0)) is None


def test_days_with_nothing_are_zeros_and_the_last_day_is_today() -> None:
    days = last_days(date(2026, 3, 2), 3)
    rows = filled(days, {"2026-03-01": {"synced": 4, "api_calls": 2}})
    assert [row["date"] for row in rows] == ["2026-02-28", "2026-03-01", "2026-03-02"]
    assert rows[0] == {
        "date": "2026-02-28",
        "synced": 0,
        "failed": 0,
        "api_calls": 0,
        "tasks_avoided": 0,
    }
    assert rows[1]["synced"] == 4 and rows[1]["api_calls"] == 2


def test_the_text_table_has_a_row_a_day_and_the_totals() -> None:
    rows = filled(last_days(date(2026, 3, 2), 2), {"2026-03-02": {"synced": 12, "failed": 1}})
    lines = days_lines(rows)
    assert lines[0].split() == ["date", "synced", "failed", "api", "calls", "avoided"]
    assert lines[1].split() == ["2026-03-01", "0", "0", "0", "0"]
    assert lines[2].split() == ["2026-03-02", "12", "1", "0", "0"]
    assert lines[3].split() == ["total", "12", "1", "0", "0"]
    assert len({len(line) for line in lines}) == 1  # aligned
