"""The names index: each record id the lookups named, its object, its Name, a person's address.

A read model of its own (table `view_record_names`), fed by RecipientsResolved events (their
`directory`, `projections.record_names`), its position in the task view's tracking table
(row `record_names`). The failures list and the console read it to show `Name (Id)`.
`views rebuild` drops and rebuilds it with the task view. A row with an `address` is a
person's (Contact, Lead, User): personal data, found by that address (docs/audit.md, Names).
The latest event naming a record wins (a renamed Contact shows its newer name).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, Text, select

from adapters.store.followers import Follower, follow, reset
from adapters.store.sql import create_missing_tables, dialect_insert
from adapters.views import task_view as views
from adapters.views.tables import view_tracking
from domain.activity import EmailActivity
from projections.application import ActivitySyncApp
from projections.record_names import named_records

NAME = "record_names"
RESOLVED = EmailActivity.RecipientsResolved.TOPIC

metadata = MetaData()
record_names = Table(
    "view_record_names",
    metadata,
    Column("record_id", String(), primary_key=True),
    Column("sobject", String(40)),
    Column("name", Text),
    Column("address", Text, index=True),  # set for people only
)


def prepare(engine: Engine) -> None:
    """The task view's tables (this index shares its tracking table) and the index's own."""
    views.create_tables(engine)
    create_missing_tables(engine, metadata.sorted_tables)


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """Keep the names the resolved activities of one chunk of the log carry (latest wins)."""
    rows: dict[str, dict[str, Any]] = {}
    for notification in chunk:
        event = app.mapper.to_domain_event(notification)
        for record in named_records(getattr(event, "directory", None) or {}):
            rows[record.record_id] = {
                "record_id": record.record_id,
                "sobject": record.sobject,
                "name": record.name,
                "address": record.address,
            }
    if rows:
        insert = dialect_insert(connection, record_names)
        latest = {c: insert.excluded[c] for c in ("sobject", "name", "address")}
        upsert = insert.on_conflict_do_update(index_elements=["record_id"], set_=latest)
        connection.execute(upsert, list(rows.values()))


FOLLOWER = Follower(
    name=NAME,
    feeds="the names beside ids in the failures list and the console",
    topics=(RESOLVED,),
    positions=view_tracking,
    handle=handle,
    prepare=prepare,
)


def catch_up(app: ActivitySyncApp, engine: Engine) -> int:
    """Read every RecipientsResolved after the tracked position; returns how many were read."""
    return follow(app, engine, FOLLOWER).processed


def rebuild(app: ActivitySyncApp, engine: Engine) -> int:
    """Drop the index and build it again from the whole log."""
    prepare(engine)
    metadata.drop_all(engine, checkfirst=True)
    metadata.create_all(engine)
    reset(engine, FOLLOWER)
    return catch_up(app, engine)


def names_of(engine: Engine, record_ids: Iterable[str | None]) -> dict[str, str]:
    """The known Name of each of these ids (ids without one are absent)."""
    wanted = sorted({i for i in record_ids if i})
    found: dict[str, str] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = select(record_names.c.record_id, record_names.c.name).where(
                record_names.c.record_id.in_(chunk)
            )
            found.update({str(i): str(n) for i, n in conn.execute(query) if n})
    return found
