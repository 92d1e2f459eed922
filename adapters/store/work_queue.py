"""The worker's queue in SQL: which activities have work, and who holds them (leases).

An activity has work while the newest event that needs the worker (`seen_version`)
is newer than what a worker settled (`settled_version`). Claims are single UPDATE
statements (SKIP LOCKED on PostgreSQL), so several workers share the backlog without
taking the same activity, and an expired lease (a crashed worker) frees its work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine

from adapters.store.followers import Follower, follow, position
from adapters.store.leases import claim_rows, lease_columns
from adapters.store.persistence import CREATION_LOCK
from adapters.store.positions import position_table
from adapters.store.sql import create_missing_tables, insert_ignoring_existing
from projections.application import ActivitySyncApp
from projections.ports import Held, WorkQueue

TRACKING_NAME = "work_queue"
NEEDS_WORKER = (
    "activity_sync:EmailActivity.Recorded",
    "activity_sync:EmailActivity.BatchFormed",
    "activity_sync:EmailActivity.BatchRetired",
    "activity_sync:EmailActivity.RetryRequested",
)

metadata = MetaData()
work_items = Table(
    "work_items",
    metadata,
    Column("activity_id", String(32), primary_key=True),
    Column("seq", Integer, nullable=False, index=True),
    Column("seen_version", Integer, nullable=False),
    Column("settled_version", Integer, nullable=False, default=0),
    Column("not_before", Float, nullable=False, default=0.0),
    *lease_columns(),
)
work_tracking = position_table("work_tracking", metadata)


def _key(originator_id: UUID | str) -> str:
    """An activity's row key: its aggregate id as 32 hex digits."""
    return originator_id.hex if isinstance(originator_id, UUID) else UUID(originator_id).hex


def create_tables(engine: Engine) -> None:
    """Create the queue's tables; several workers may start at once."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            key = {"key": CREATION_LOCK}
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key || current_schema()))"), key
            )
            metadata.create_all(connection)
    else:
        create_missing_tables(engine, metadata.sorted_tables)


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """New activities join the queue; a newer event that needs the worker makes one pending."""
    created = [
        {"activity_id": _key(n.originator_id), "seq": n.id, "seen_version": n.originator_version}
        for n in chunk
        if n.topic == NEEDS_WORKER[0]
    ]
    changed = [
        {"a": _key(n.originator_id), "v": n.originator_version}
        for n in chunk
        if n.topic != NEEDS_WORKER[0]
    ]
    if created:
        connection.execute(insert_ignoring_existing(connection, work_items, "activity_id"), created)
    if changed:
        connection.execute(
            work_items.update()
            .where(work_items.c.activity_id == bindparam("a"))
            .where(work_items.c.seen_version < bindparam("v"))
            .values(seen_version=bindparam("v"), not_before=0.0),
            changed,
        )


FOLLOWER = Follower(
    name=TRACKING_NAME,
    feeds="the sync worker's queue: which activities have work",
    topics=NEEDS_WORKER,
    positions=work_tracking,
    handle=handle,
    prepare=create_tables,
)


class SqlWorkQueue(WorkQueue):
    """The queue in the store's own database (SQLite or PostgreSQL)."""

    def __init__(
        self, app: ActivitySyncApp, engine: Engine, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.engine = engine
        self.clock = clock
        position(engine, FOLLOWER)  # the tables and the position row exist from here on

    # Following the log ------------------------------------------------------------------

    def catch_up(self) -> int:
        return follow(self.app, self.engine, FOLLOWER).processed

    # Leases -------------------------------------------------------------------------------

    def claim(self, owner: str, limit: int, lease_seconds: float) -> list[UUID]:
        return claim_rows(
            self.engine,
            work_items,
            key="activity_id",
            order="seq",
            condition="seen_version > settled_version AND not_before <= :now",
            values={},
            owner=owner,
            limit=limit,
            now=self.clock(),
            lease_seconds=lease_seconds,
        )

    def settle(self, owner: str, versions: Mapping[UUID, int]) -> None:
        rows = [{"a": key.hex, "v": version} for key, version in versions.items()]
        if not rows:
            return
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE work_items SET settled_version = CASE WHEN settled_version < :v "
                    "THEN :v ELSE settled_version END, not_before = 0, lease_owner = NULL, "
                    "lease_token = NULL, lease_until = NULL WHERE activity_id = :a"
                ),
                rows,
            )

    def defer(self, owner: str, until: Mapping[UUID, float]) -> None:
        rows = [{"a": key.hex, "t": moment} for key, moment in until.items()]
        if rows:
            self._unlease(rows, "not_before = :t, ")

    def release(self, owner: str, ids: Sequence[UUID]) -> None:
        rows = [{"a": key.hex, "o": owner} for key in ids]
        if rows:
            self._unlease(rows, "", " AND lease_owner = :o")

    def _unlease(self, rows: list[dict[str, Any]], extra: str, condition: str = "") -> None:
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    f"UPDATE work_items SET {extra}lease_owner = NULL, lease_token = NULL, "
                    f"lease_until = NULL WHERE activity_id = :a{condition}"
                ),
                rows,
            )

    def pending_count(self) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(func.count()).where(work_items.c.seen_version > work_items.c.settled_version)
            ).scalar()
        return int(found or 0)

    def held_by_others(self, owner: str) -> Held:
        now = self.clock()
        c = work_items.c
        pending = c.seen_version > c.settled_version
        held = and_(c.lease_until >= now, c.lease_owner != owner)
        free = and_(or_(c.lease_until.is_(None), c.lease_until < now), c.not_before <= now)
        query = select(
            func.sum(case((held, 1), else_=0)),
            func.min(case((held, c.lease_until), else_=None)),
            func.sum(case((free, 1), else_=0)),
        ).where(pending)
        with self.engine.connect() as connection:
            count, first_expiry, unheld = connection.execute(query).one()
        return Held(int(count or 0), first_expiry, int(unheld or 0))
