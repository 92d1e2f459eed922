"""Which activities name an email address (sender, recipient, actor): the console's search by email.

A small read model of its own, caught up from `Recorded` events like the task view, with
its position in the task view's tracking table (row `console_addresses`), so it can be
dropped and rebuilt from the log at any time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, func, select

from adapters.store.followers import Follower, follow
from adapters.store.sql import create_missing_tables, dialect_insert
from adapters.views import task_view as views
from adapters.views.tables import activities, tasks, view_tracking
from domain.activity import EmailActivity
from domain.addresses import normalise
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


def prepare(engine: Engine) -> None:
    """The task view's tables (this index shares its tracking table) and the index's own."""
    views.create_tables(engine)
    create_missing_tables(engine, metadata.sorted_tables)


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """Index the addresses of the activities recorded in one chunk of the log."""
    rows = [row for n in chunk for row in rows_of(app.mapper.to_domain_event(n))]
    if rows:
        connection.execute(dialect_insert(connection, addresses).on_conflict_do_nothing(), rows)


FOLLOWER = Follower(
    name=NAME,
    feeds="the console's search by email address",
    topics=(RECORDED,),
    positions=view_tracking,
    handle=handle,
    prepare=prepare,
)


def catch_up(app: ActivitySyncApp, engine: Engine) -> int:
    """Index every activity recorded after the tracked position; returns how many were read."""
    return follow(app, engine, FOLLOWER).processed


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
