"""The task view in SQL: caught up from the event log, its position committed with its rows.

`catch_up` reads the notification log from the tracked position in chunks of
`log_section_size` (1,000), turns each chunk into merged changes
(`projections.audit_view`) and writes them as a few bulk statements in ONE transaction
with the new position. The position only moves from the value this run read, so two
concurrent runs never apply a chunk twice: the loser rolls back and re-reads.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, Notification
from sqlalchemy import Connection, Engine, Table, bindparam, select, update

from adapters.store.persistence import locate
from adapters.store.sql import (
    create_missing_tables,
    dialect_insert,
    engine_for,
    insert_ignoring_existing,
)
from adapters.store.transcoder import OrjsonTranscoder
from adapters.views.tables import TABLES, metadata, tasks, tracking_metadata, view_tracking
from adapters.views.tables import activities as activities_table
from projections.application import ActivitySyncApp
from projections.audit_view import (
    LINE_REJECTED,
    ChunkChanges,
    activity_outcome,
    is_followed,
    rejected_line_changes,
    view_changes,
)

VIEW_NAME = "audit"
_KEYS = {name: [c.name for c in table.primary_key.columns] for name, table in TABLES.items()}
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()
_mappers: weakref.WeakKeyDictionary[ActivitySyncApp, Mapper[Any]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class CatchUp:
    """What one catch-up did: notifications read, the position reached, and how long it took."""

    processed: int
    position: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0


class _Moved(Exception):
    """Another run advanced the position first; this chunk was rolled back."""


def view_engine(store_url: str | None) -> Engine:
    """The (per-process) engine on the database of the event store named by `store_url`."""
    return engine_for(locate(store_url))


def create_tables(engine: Engine) -> None:
    """Create the view tables and this view's position row when missing (once per engine)."""
    if engine in _ready:
        return
    create_missing_tables(engine, [*tracking_metadata.sorted_tables, *metadata.sorted_tables])
    with engine.begin() as conn:
        stmt = insert_ignoring_existing(conn, view_tracking, "name")
        conn.execute(stmt.values(name=VIEW_NAME, notification_id=0))
    _ready.add(engine)


def position(engine: Engine) -> int:
    create_tables(engine)
    with engine.connect() as conn:
        query = select(view_tracking.c.notification_id).where(view_tracking.c.name == VIEW_NAME)
        return int(conn.execute(query).scalar_one())


def catch_up(app: ActivitySyncApp, engine: Engine) -> CatchUp:
    """Apply every notification after the tracked position; safe to run any time, repeatedly."""
    started = time.perf_counter()
    processed, last = 0, position(engine)
    while batch := app.notification_log.select(start=last + 1, limit=app.log_section_size):
        changes = _changes(app, batch)
        try:
            with engine.begin() as conn:
                _apply(conn, changes)
                _advance(conn, last, batch[-1].id)
        except _Moved:
            last = position(engine)
            continue
        processed += len(batch)
        last = batch[-1].id
    return CatchUp(processed, last, time.perf_counter() - started)


def rebuild(app: ActivitySyncApp, engine: Engine) -> CatchUp:
    """Drop the view tables and build them again from the whole log."""
    create_tables(engine)
    metadata.drop_all(engine, checkfirst=True)
    metadata.create_all(engine)
    with engine.begin() as conn:
        where = view_tracking.c.name == VIEW_NAME
        conn.execute(update(view_tracking).where(where).values(notification_id=0))
    return catch_up(app, engine)


class _TopLevelTranscoder(OrjsonTranscoder):
    """Decodes transcoded values at the top of an event's state only (its timestamp).

    Event state below the top is plain data by design (STYLE, Events), so the view skips
    walking recipient lists and directory facts: catch-up runs about twice as fast.
    """

    def decode(self, data: bytes) -> Any:
        state = orjson.loads(data)
        for key, value in state.items():
            if isinstance(value, dict) and "_type_" in value:
                state[key] = self._decode_obj(value)
        return state


def _view_mapper(app: ActivitySyncApp) -> Mapper[Any]:
    mapper = _mappers.get(app)
    if mapper is None:
        transcoder = _TopLevelTranscoder()
        app.register_transcodings(transcoder)
        mapper = Mapper(transcoder, app.mapper.compressor, app.mapper.cipher)
        _mappers[app] = mapper
    return mapper


def _changes(app: ActivitySyncApp, batch: Sequence[Notification]) -> ChunkChanges:
    changes = ChunkChanges()
    to_domain_event = _view_mapper(app).to_domain_event
    for notification in batch:
        if notification.topic == LINE_REJECTED:
            changes.extend(rejected_line_changes())
        elif is_followed(notification.topic):
            changes.extend(view_changes(to_domain_event(notification)))
    return changes


def _advance(conn: Connection, old: int, new: int) -> None:
    stmt = (
        update(view_tracking)
        .where(view_tracking.c.name == VIEW_NAME, view_tracking.c.notification_id == old)
        .values(notification_id=new)
    )
    if conn.execute(stmt).rowcount != 1:
        raise _Moved


def _apply(conn: Connection, changes: ChunkChanges) -> None:
    for (table_name, columns), rows in _grouped(changes.puts).items():
        _upsert(conn, TABLES[table_name], columns, rows, add=False)
    for (table_name, columns), rows in _grouped(changes.adds).items():
        _upsert(conn, TABLES[table_name], columns, rows, add=True)
    _refresh(conn, sorted(changes.touched))


def _grouped(
    rows: dict[tuple[str, tuple[Any, ...]], Any],
) -> dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]]:
    """Rows by (table, set columns), each with its primary key, for executemany."""
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    for (table_name, key), values in rows.items():
        groups.setdefault((table_name, tuple(sorted(values))), []).append(
            {**dict(zip(_KEYS[table_name], key, strict=True)), **values}
        )
    return groups


def _upsert(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: list[dict[str, Any]], add: bool
) -> None:
    stmt = dialect_insert(conn, table)
    pk = [column.name for column in table.primary_key.columns]
    if add:
        set_ = {name: table.c[name] + stmt.excluded[name] for name in columns}
    else:
        set_ = {name: stmt.excluded[name] for name in columns}
    conn.execute(stmt.on_conflict_do_update(index_elements=pk, set_=set_), rows)


def _refresh(conn: Connection, touched: list[str]) -> None:
    """Recompute the outcome of touched activities, and name their Tasks' activity."""
    for start in range(0, len(touched), 500):
        ids = touched[start : start + 500]
        found = conn.execute(
            select(
                activities_table.c.uuid, activities_table.c.source_id, activities_table.c.resolved
            ).where(activities_table.c.uuid.in_(ids))
        ).all()
        rows = conn.execute(
            select(
                tasks.c.activity_uuid,
                tasks.c.sync_key,
                tasks.c.status,
                tasks.c.delete_in_org,
                tasks.c.activity_id,
            ).where(tasks.c.activity_uuid.in_(ids))
        ).all()
        by_activity: dict[str, list[tuple[str, bool]]] = {}
        for row in rows:
            by_activity.setdefault(row.activity_uuid, []).append(
                (row.status, bool(row.delete_in_org))
            )
        source_ids = {row.uuid: row.source_id for row in found}
        outcomes = [
            {
                "u": row.uuid,
                "s": activity_outcome(bool(row.resolved), by_activity.get(row.uuid, ())),
            }
            for row in found
        ]
        if outcomes:
            conn.execute(_set_status, outcomes)
        named = [
            {"k": row.sync_key, "a": source_ids[row.activity_uuid]}
            for row in rows
            if row.activity_id is None and row.activity_uuid in source_ids
        ]
        if named:
            conn.execute(_set_activity_id, named)


_set_status = (
    update(activities_table)
    .where(activities_table.c.uuid == bindparam("u"))
    .values(status=bindparam("s"))
)
_set_activity_id = (
    update(tasks).where(tasks.c.sync_key == bindparam("k")).values(activity_id=bindparam("a"))
)
