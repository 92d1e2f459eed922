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
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine

from adapters.store.leases import claim_rows, lease_columns
from adapters.store.persistence import CREATION_LOCK
from adapters.store.positions import advance_position, position_table, read_position
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


class SqlWorkQueue(WorkQueue):
    """The queue in the store's own database (SQLite or PostgreSQL)."""

    def __init__(
        self, app: ActivitySyncApp, engine: Engine, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.engine = engine
        self.clock = clock
        self._create_tables()

    def _create_tables(self) -> None:
        """Create the tables and the position row; several workers may start at once."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as connection:
                key = {"key": CREATION_LOCK}
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(hashtext(:key || current_schema()))"), key
                )
                metadata.create_all(connection)
        else:
            create_missing_tables(self.engine, metadata.sorted_tables)
        with self.engine.begin() as connection:
            advance_position(connection, work_tracking, TRACKING_NAME, 0)

    # Following the log ------------------------------------------------------------------

    def catch_up(self) -> int:
        seen = 0
        stop = self.app.recorder.max_notification_id() or 0
        start = self._position() + 1
        while start <= stop:
            batch = self.app.notification_log.select(
                start=start, limit=self.app.log_section_size, stop=stop, topics=NEEDS_WORKER
            )
            end = batch[-1].id if batch else stop
            self._apply(batch, end)
            seen += len(batch)
            start = end + 1
            if not batch:
                break
        return seen

    def _position(self) -> int:
        return read_position(self.engine, work_tracking, TRACKING_NAME)

    def _apply(self, notifications: Sequence[Notification], end: int) -> None:
        created = [
            {
                "activity_id": _key(n.originator_id),
                "seq": n.id,
                "seen_version": n.originator_version,
            }
            for n in notifications
            if n.topic == NEEDS_WORKER[0]
        ]
        changed = [
            {"a": _key(n.originator_id), "v": n.originator_version}
            for n in notifications
            if n.topic != NEEDS_WORKER[0]
        ]
        with self.engine.begin() as connection:
            if created:
                connection.execute(
                    insert_ignoring_existing(self.engine, work_items, "activity_id"), created
                )
            if changed:
                connection.execute(
                    work_items.update()
                    .where(work_items.c.activity_id == bindparam("a"))
                    .where(work_items.c.seen_version < bindparam("v"))
                    .values(seen_version=bindparam("v"), not_before=0.0),
                    changed,
                )
            advance_position(connection, work_tracking, TRACKING_NAME, end)

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
        """Pending activities that other workers hold now, and when the first lease runs out."""
        pending = work_items.c.seen_version > work_items.c.settled_version
        query = select(func.count(), func.min(work_items.c.lease_until)).where(
            pending,
            work_items.c.lease_until >= self.clock(),
            work_items.c.lease_owner != owner,
        )
        with self.engine.connect() as connection:
            count, first_expiry = connection.execute(query).one()
        return Held(int(count or 0), first_expiry)
