"""How far a follower has read the notification log: one row per follower.

A position moves only from the value its mover read (compare and swap), in the same
transaction as the rows it accounts for: when two processes follow at once, the one
that loses rolls back and reads on from where the other got to.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select, update
from sqlalchemy.engine import Connection, Engine


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


def move_position(connection: Connection, table: Table, name: str, old: int, new: int) -> bool:
    """Move the follower from `old` to `new`; False when it was no longer at `old`."""
    moved = connection.execute(
        update(table)
        .where(table.c.name == name, table.c.notification_id == old)
        .values(notification_id=new)
    )
    return moved.rowcount == 1
