"""Daily trends as a read model: per UTC day, activities synced, records failed, API calls, avoided.

A follower of the log (TaskCreated, SyncFailed, ChunkSynced), its position in the task
view's tracking table (row `daily_trends`), its rows committed with that position; so
`stats --days N` and the health chart read a few rows, never the log, and
`views rebuild` drops and rebuilds it. The rules are in `projections.daily_trends`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, func, select

from adapters.store.followers import Follower, Progress, follow, reset
from adapters.store.followers import position as follower_position
from adapters.store.sql import create_missing_tables, dialect_insert
from adapters.views import task_view
from adapters.views.tables import view_tracking
from domain.errors import BadInput
from projections.application import ActivitySyncApp
from projections.daily_trends import MAX_DAYS, TOPICS, filled, increment, last_days

NAME = "daily_trends"

metadata = MetaData()
trend_days = Table(
    "trend_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("api_calls", Integer, nullable=False, server_default="0"),
    Column("tasks_avoided", Integer, nullable=False, server_default="0"),
)
# One row per (day, activity) with a record written that day: `synced` counts them.
trend_synced = Table(
    "trend_synced",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("activity_uuid", String(36), primary_key=True),
)
_SUMMED = ("failed", "api_calls", "tasks_avoided")


def prepare(engine: Engine) -> None:
    """The tracking table (shared with the task view) and the trend tables."""
    task_view.create_tables(engine)
    create_missing_tables(engine, metadata.sorted_tables)


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """Add one chunk's events to their days."""
    sums: dict[str, dict[str, int]] = {}
    synced: dict[tuple[str, str], None] = {}
    for notification in chunk:
        found = increment(app.mapper.to_domain_event(notification))
        if found is None:
            continue
        day = sums.setdefault(found.day, dict.fromkeys(_SUMMED, 0))
        for name in _SUMMED:
            day[name] += getattr(found, name)
        if found.activity is not None:
            synced[(found.day, found.activity)] = None
    if sums:
        insert = dialect_insert(connection, trend_days)
        adds = {name: trend_days.c[name] + insert.excluded[name] for name in _SUMMED}
        rows = [{"day": day, **values} for day, values in sums.items()]
        connection.execute(insert.on_conflict_do_update(index_elements=["day"], set_=adds), rows)
    if synced:
        rows = [{"day": day, "activity_uuid": uuid} for day, uuid in synced]
        connection.execute(dialect_insert(connection, trend_synced).on_conflict_do_nothing(), rows)


FOLLOWER = Follower(
    name=NAME,
    feeds="daily trends: synced, failed, API calls and Tasks avoided per UTC day",
    topics=TOPICS,
    positions=view_tracking,
    handle=handle,
    prepare=prepare,
)


def catch_up(app: ActivitySyncApp, engine: Engine) -> Progress:
    return follow(app, engine, FOLLOWER)


def rebuild(app: ActivitySyncApp, engine: Engine) -> Progress:
    """Drop the trend tables and build them again from the whole log."""
    follower_position(engine, FOLLOWER)
    metadata.drop_all(engine, checkfirst=True)
    metadata.create_all(engine)
    reset(engine, FOLLOWER)
    return catch_up(app, engine)


def check_days(count: int) -> int:
    """`--days N`: 1..366, else bad input (exit 2)."""
    if not 1 <= count <= MAX_DAYS:
        raise BadInput(f"--days must be a whole number from 1 to {MAX_DAYS} (got {count})")
    return count


def daily(
    app: ActivitySyncApp, engine: Engine, count: int, today: date | None = None
) -> list[dict[str, Any]]:
    """The last `count` UTC days ending today, oldest first, every day present (zeros)."""
    check_days(count)
    catch_up(app, engine)
    days = last_days(today or datetime.now(UTC).date(), count)
    found: dict[str, dict[str, int]] = {}
    window = (days[0], days[-1])
    with engine.connect() as connection:
        for row in connection.execute(select(trend_days).where(trend_days.c.day.between(*window))):
            found[row.day] = {name: row._mapping[name] for name in _SUMMED}
        counted = select(trend_synced.c.day, func.count()).group_by(trend_synced.c.day)
        for day, synced in connection.execute(counted.where(trend_synced.c.day.between(*window))):
            found.setdefault(day, {})["synced"] = int(synced)
    return filled(days, found)
