"""The recipients view: every resolved address with its outcome, for "why wasn't it logged?".

A read model of its own, fed by `RecipientsResolved` events (a re-resolution replaces the
activity's rows, position by position), with its position in the task view's tracking
table (row `recipients`), so `views rebuild` drops and rebuilds it from the log. `stats`,
`export unmatched` and the console count from it, never from the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Column, Connection, Engine, Index, Integer, MetaData, String, Table, Text

from adapters.store.followers import Follower, Progress, follow, reset
from adapters.store.followers import position as follower_position
from adapters.store.sql import create_missing_tables, dialect_insert
from adapters.views import task_view
from adapters.views.tables import view_tracking
from domain.activity import EmailActivity
from domain.payloads import stored_recipients
from projections.application import ActivitySyncApp
from projections.recipient_stats import recipient_rows

NAME = "recipients"
RESOLVED = EmailActivity.RecipientsResolved.TOPIC

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
    Index("ix_view_recipients_outcome_domain", "outcome", "domain"),
    Index("ix_view_recipients_outcome_address", "outcome", "address"),
)
_COLUMNS = ("address", "domain", "role", "outcome", "reason")


def prepare(engine: Engine) -> None:
    """The task view's tables (this view shares its tracking table and joins its activities)."""
    task_view.create_tables(engine)
    create_missing_tables(engine, metadata.sorted_tables)


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """Keep the latest outcome of every address resolved in one chunk of the log."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for notification in chunk:
        event = app.mapper.to_domain_event(notification)
        uuid = str(event.originator_id)
        for row in recipient_rows(uuid, stored_recipients(event.recipients)):
            rows[(uuid, row["position"])] = row
    if rows:
        stmt = dialect_insert(connection, recipients)
        upsert = stmt.on_conflict_do_update(
            index_elements=["activity_uuid", "position"],
            set_={name: stmt.excluded[name] for name in _COLUMNS},
        )
        connection.execute(upsert, list(rows.values()))


FOLLOWER = Follower(
    name=NAME,
    feeds="recipients by outcome: stats, export unmatched, the console's health page",
    topics=(RESOLVED,),
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
