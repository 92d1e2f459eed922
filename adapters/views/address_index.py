"""Which activities name an email address (sender, recipient, actor): the console's search by email.

A small read model of its own, caught up from `Recorded` events like the task view, with
its position in the task view's tracking table (row `console_addresses`), so it can be
dropped and rebuilt from the log at any time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Engine, MetaData, String, Table, func, select, update

from adapters.store.sql import create_missing_tables, dialect_insert, insert_ignoring_existing
from adapters.views import task_view as views
from adapters.views.tables import activities, tasks, view_tracking
from domain.activity import EmailActivity
from projections.application import ActivitySyncApp

NAME = "console_addresses"
ROLES = ("sender", "to", "cc", "bcc", "actor")
RECORDED = EmailActivity.Recorded.TOPIC

metadata = MetaData()
addresses = Table(
    NAME,
    metadata,
    Column("address", String(), primary_key=True),
    Column("activity_uuid", String(36), primary_key=True),
    Column("role", String(8), primary_key=True),
)
_ready: set[str] = set()


def normalise(address: str) -> str:
    return address.strip().lower()


def rows_of(event: Any) -> list[dict[str, str]]:
    """One row per (address, role) an activity names, in lower case."""
    data = event.activity
    found: dict[tuple[str, str], None] = {}
    for role in ROLES:
        given = data.get(role)
        values = given if isinstance(given, list) else [given] if given else []
        for value in values:
            if isinstance(value, str) and normalise(value):
                found[(normalise(value), role)] = None
    uuid = str(event.originator_id)
    return [{"address": a, "activity_uuid": uuid, "role": r} for a, r in found]


def _prepare(engine: Engine) -> None:
    if str(engine.url) in _ready:
        return
    views.create_tables(engine)
    create_missing_tables(engine, metadata.sorted_tables)
    with engine.begin() as conn:
        insert = insert_ignoring_existing(conn, view_tracking, "name")
        conn.execute(insert.values(name=NAME, notification_id=0))
    _ready.add(str(engine.url))


def _position(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(view_tracking.c.notification_id).where(view_tracking.c.name == NAME)
        return int(conn.execute(query).scalar_one())


def catch_up(app: ActivitySyncApp, engine: Engine) -> int:
    """Index every activity recorded after the tracked position; returns how many were read."""
    _prepare(engine)
    start, seen = _position(engine) + 1, 0
    stop = app.recorder.max_notification_id() or 0
    while start <= stop:
        batch = app.notification_log.select(
            start=start, limit=app.log_section_size, stop=stop, topics=[RECORDED]
        )
        end = batch[-1].id if batch else stop
        rows = [row for n in batch for row in rows_of(app.mapper.to_domain_event(n))]
        try:
            _apply(engine, start - 1, end, rows)
        except _Moved:
            start = _position(engine) + 1
            continue
        seen += len(batch)
        start = end + 1
    return seen


class _Moved(Exception):
    """Another catch-up advanced the position first; this batch was rolled back."""


def _apply(engine: Engine, old: int, new: int, rows: list[dict[str, str]]) -> None:
    with engine.begin() as conn:
        moved = conn.execute(
            update(view_tracking)
            .where(view_tracking.c.name == NAME, view_tracking.c.notification_id == old)
            .values(notification_id=new)
        ).rowcount
        if moved != 1:
            raise _Moved
        if rows:
            conn.execute(dialect_insert(conn, addresses).on_conflict_do_nothing(), rows)


def search(
    app: ActivitySyncApp, engine: Engine, email: str, limit: int = 50
) -> list[dict[str, Any]]:
    """Activities naming `email` (newest first) with their outcome and their records' count."""
    views.catch_up(app, engine)
    catch_up(app, engine)
    records = (
        select(func.count()).where(tasks.c.activity_uuid == activities.c.uuid).scalar_subquery()
    )
    query = (
        select(
            activities.c.uuid,
            activities.c.source_id,
            activities.c.type,
            activities.c.subject,
            activities.c.occurred_at,
            activities.c.status,
            addresses.c.role,
            records.label("records"),
        )
        .select_from(addresses.join(activities, activities.c.uuid == addresses.c.activity_uuid))
        .where(addresses.c.address == normalise(email))
        .order_by(activities.c.occurred_at.desc(), activities.c.uuid)
        .limit(limit * len(ROLES))
    )
    found: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            match = found.setdefault(
                row.uuid,
                {
                    "activity_id": row.source_id,
                    "type": row.type,
                    "subject": row.subject,
                    "occurred_at": row.occurred_at,
                    "status": row.status,
                    "roles": [],
                    "records": int(row.records or 0),
                },
            )
            match["roles"] = sorted({*match["roles"], row.role}, key=ROLES.index)
    return list(found.values())[:limit]
