"""How far a SQL view or queue has followed the notification log: one row per follower.

Shared by the worker's queue and the rules' notice queue. The position only moves
forward (another process may be further on), and it is written in the same transaction
as the rows it accounts for.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.engine import Connection, Engine

from adapters.store.sql import insert_ignoring_existing


def position_table(name: str, metadata: MetaData) -> Table:
    """A table of (follower name, last notification id accounted for)."""
    return Table(
        name,
        metadata,
        Column("name", String(64), primary_key=True),
        Column("notification_id", Integer, nullable=False),
    )


def read_position(engine: Engine, table: Table, name: str) -> int:
    """The follower's position (0 before it has accounted for anything)."""
    with engine.connect() as connection:
        found = connection.execute(
            select(table.c.notification_id).where(table.c.name == name)
        ).scalar()
    return int(found or 0)


def advance_position(connection: Connection, table: Table, name: str, position: int) -> None:
    """Move the follower to `position`, never back; its row is made on first use."""
    moved = connection.execute(
        table.update()
        .where(table.c.name == name)
        .where(table.c.notification_id < position)
        .values(notification_id=position)
    )
    if not moved.rowcount:  # no row yet, or already at or past `position`
        connection.execute(
            insert_ignoring_existing(connection, table, "name").values(
                name=name, notification_id=position
            )
        )
