"""One way to follow the notification log: a follower names its topics and handles a chunk.

`follow` owns everything else: the follower's position row, the read loop, the
transaction (the handler's rows and the new position commit together), and the retry
when another process moved the position first (that chunk is rolled back and the loop
reads on from where the other process got to). A crash repeats a chunk, never skips one.
The followers themselves are declared together in `adapters.bootstrap.followers()`.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.persistence import Notification
from sqlalchemy import Connection, Engine, Table, update

from adapters.store.positions import move_position, read_position
from adapters.store.sql import insert_ignoring_existing
from projections.application import ActivitySyncApp

Handler = Callable[[ActivitySyncApp, Connection, Sequence[Notification]], None]


@dataclass(frozen=True, eq=False)
class Follower:
    """A read model or queue fed from the log: what it reads, where it keeps its place."""

    name: str  # its row in `positions`
    feeds: str  # what it keeps, in a few words
    topics: tuple[str, ...]  # the event topics it reads; () for every event
    positions: Table  # the table that keeps its position
    handle: Handler  # writes what one chunk means, inside the chunk's transaction
    prepare: Callable[[Engine], None]  # creates its tables when missing
    start_after: Callable[[ActivitySyncApp], int] | None = None  # history it may skip


@dataclass(frozen=True)
class Progress:
    """What one catch-up did: notifications read, the position reached, and how long it took."""

    processed: int
    position: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0


class _Moved(Exception):
    """Another process advanced the position first; this chunk was rolled back."""


_ready: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()


def prepare(engine: Engine, follower: Follower) -> None:
    """Create the follower's tables and its position row when missing (once per engine)."""
    done = _ready.setdefault(engine, set())
    if follower.name in done:
        return
    follower.prepare(engine)
    with engine.begin() as connection:
        row = insert_ignoring_existing(connection, follower.positions, "name")
        connection.execute(row.values(name=follower.name, notification_id=0))
    done.add(follower.name)


def position(engine: Engine, follower: Follower) -> int:
    """The last notification id the follower has accounted for (0 before its first chunk)."""
    prepare(engine, follower)
    return read_position(engine, follower.positions, follower.name)


def follow(app: ActivitySyncApp, engine: Engine, follower: Follower) -> Progress:
    """Hand every chunk of the log after the follower's position to its handler."""
    started = time.perf_counter()
    processed, stored = 0, position(engine, follower)
    stop = app.recorder.max_notification_id() or 0
    floor = follower.start_after(app) if follower.start_after else 0
    while (start := max(stored, floor) + 1) <= stop:
        chunk = app.notification_log.select(
            start=start, limit=app.log_section_size, stop=stop, topics=follower.topics
        )
        end = chunk[-1].id if chunk else stop
        try:
            with engine.begin() as connection:
                follower.handle(app, connection, chunk)
                _advance(connection, follower, stored, end)
        except _Moved:
            stored = read_position(engine, follower.positions, follower.name)
            continue
        processed += len(chunk)
        stored = end
    return Progress(processed, stored, time.perf_counter() - started)


def reset(engine: Engine, follower: Follower) -> None:
    """Move the follower back to the start of the log (its rows are the caller's to drop)."""
    prepare(engine, follower)
    with engine.begin() as connection:
        table = follower.positions
        connection.execute(
            update(table).where(table.c.name == follower.name).values(notification_id=0)
        )


def _advance(connection: Connection, follower: Follower, old: int, new: int) -> None:
    if not move_position(connection, follower.positions, follower.name, old, new):
        raise _Moved
