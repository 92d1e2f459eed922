"""The recipients view: every resolved address with its outcome, for "why wasn't it logged?".

A read model of its own, fed by `Recorded` (each activity's sender, time and id, kept in
`view_recipient_activities`) and `RecipientsResolved` events (one row per address, with
its activity's sender and time beside it so counting needs no join; a re-resolution
replaces the activity's rows, position by position). Its position is in the task view's
tracking table (row `recipients`), so `views rebuild` drops and rebuilds it from the log.
`stats`, `export unmatched` and the console count from it, never from the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from adapters.store.followers import Follower, Progress, follow, reset
from adapters.store.followers import position as follower_position
from adapters.store.sql import create_missing_tables, dialect_insert
from adapters.views import task_view
from adapters.views.tables import view_tracking
from domain.activity import EmailActivity
from domain.payloads import RecipientData, stored_recipients
from projections.application import ActivitySyncApp
from projections.recipient_stats import activity_facts, recipient_rows

NAME = "recipients"
RESOLVED = EmailActivity.RecipientsResolved.TOPIC
RECORDED = EmailActivity.Recorded.TOPIC

metadata = MetaData()
recipients = Table(
    "view_recipients",
    metadata,
    Column("activity_uuid", String(36), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("address", Text),
    Column("domain", Text),
    Column("role", String(16)),
    Column("outcome", String(24)),
    Column("reason", Text),
    Column("sender", Text),
    Column("occurred_at", String(40)),
    Column("activity_id", Text),
    Index("ix_view_recipients_outcome_domain", "outcome", "domain"),
    Index("ix_view_recipients_outcome_address", "outcome", "address"),
    Index("ix_view_recipients_outcome_sender", "outcome", "sender"),
)
senders = Table(
    "view_recipient_activities",
    metadata,
    Column("uuid", String(36), primary_key=True),
    Column("sender", Text, index=True),
    Column("occurred_at", String(40)),
    Column("activity_id", Text),
)
_COLUMNS = (
    "address",
    "domain",
    "role",
    "outcome",
    "reason",
    "sender",
    "occurred_at",
    "activity_id",
)


def prepare(engine: Engine) -> None:
    """The task view's tables (this view shares its tracking table and joins its activities)."""
    task_view.create_tables(engine)
    create_missing_tables(engine, metadata.sorted_tables)


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """Note each recorded activity's sender, and keep the latest outcome of every address
    resolved in one chunk of the log."""
    recorded: dict[str, dict[str, Any]] = {}
    resolved: dict[str, list[RecipientData]] = {}
    for notification in chunk:
        event = app.mapper.to_domain_event(notification)
        uuid = str(event.originator_id)
        if notification.topic == RECORDED:
            recorded[uuid] = activity_facts(uuid, event.activity)
        else:
            resolved[uuid] = stored_recipients(event.recipients)
    if recorded:
        insert = dialect_insert(connection, senders).on_conflict_do_nothing()
        connection.execute(insert, list(recorded.values()))
    if resolved:
        about = _about(connection, recorded, list(resolved))
        rows = [
            row
            for uuid, found in resolved.items()
            for row in recipient_rows(uuid, about.get(uuid, {}), found)
        ]
        _upsert(connection, rows)


def _about(
    connection: Connection, recorded: dict[str, dict[str, Any]], uuids: list[str]
) -> dict[str, dict[str, Any]]:
    """Each activity's sender, time and id: from this chunk, else from earlier ones."""
    missing = [uuid for uuid in uuids if uuid not in recorded]
    about = {uuid: recorded[uuid] for uuid in uuids if uuid in recorded}
    for start in range(0, len(missing), 500):
        query = select(senders).where(senders.c.uuid.in_(missing[start : start + 500]))
        about.update({row.uuid: dict(row._mapping) for row in connection.execute(query)})
    return about


def _upsert(connection: Connection, rows: list[dict[str, Any]]) -> None:
    stmt = dialect_insert(connection, recipients)
    upsert = stmt.on_conflict_do_update(
        index_elements=["activity_uuid", "position"],
        set_={name: stmt.excluded[name] for name in _COLUMNS},
    )
    connection.execute(upsert, rows)


FOLLOWER = Follower(
    name=NAME,
    feeds="recipients by outcome: stats, export unmatched, the console's health page",
    topics=(RECORDED, RESOLVED),
    positions=view_tracking,
    handle=handle,
    prepare=prepare,
)


def catch_up(app: ActivitySyncApp, engine: Engine) -> Progress:
    """The task view and this view, up to the end of the log."""
    task_view.catch_up(app, engine)
    return follow(app, engine, FOLLOWER)


def position(engine: Engine) -> int:
    return follower_position(engine, FOLLOWER)


def rebuild(app: ActivitySyncApp, engine: Engine) -> Progress:
    """Drop the view's table and build it again from the whole log."""
    position(engine)
    metadata.drop_all(engine, checkfirst=True)
    metadata.create_all(engine)
    reset(engine, FOLLOWER)
    return follow(app, engine, FOLLOWER)
