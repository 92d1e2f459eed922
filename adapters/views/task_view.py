"""The task view in SQL: a follower of the whole event log, its position committed with its rows.

Each chunk of `log_section_size` (1,000) notifications becomes merged changes
(`projections.audit_view`), written as a few bulk statements in the chunk's
transaction (`adapters.store.followers`).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, Notification
from sqlalchemy import Connection, Engine, Table, bindparam, select, update

from adapters.store.followers import Follower, Progress, follow, reset
from adapters.store.followers import position as follower_position
from adapters.store.persistence import locate
from adapters.store.sql import create_missing_tables, dialect_insert, engine_for
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
_mappers: weakref.WeakKeyDictionary[ActivitySyncApp, Mapper[Any]] = weakref.WeakKeyDictionary()


def view_engine(store_url: str | None) -> Engine:
    """The (per-process) engine on the database of the event store named by `store_url`."""
    return engine_for(locate(store_url))


def create_tables(engine: Engine) -> None:
    """Create the view tables when missing (race-tolerant)."""
    create_missing_tables(engine, [*tracking_metadata.sorted_tables, *metadata.sorted_tables])


def handle(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    """Write what one chunk of the log changes in the view."""
    _apply(connection, _changes(app, chunk))


FOLLOWER = Follower(
    name=VIEW_NAME,
    feeds="the task view: explain, stats, timeline, the console, replay's record",
    topics=(),
    positions=view_tracking,
    handle=handle,
    prepare=create_tables,
)


def position(engine: Engine) -> int:
    return follower_position(engine, FOLLOWER)


def catch_up(app: ActivitySyncApp, engine: Engine) -> Progress:
    """Apply every notification after the tracked position; safe to run any time, repeatedly."""
    return follow(app, engine, FOLLOWER)


def rebuild(app: ActivitySyncApp, engine: Engine) -> Progress:
    """Drop the view tables and build them again from the whole log."""
    position(engine)  # the tables and the position row exist
    metadata.drop_all(engine, checkfirst=True)
    metadata.create_all(engine)
    reset(engine, FOLLOWER)
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
        mapper = type(app.mapper)(transcoder, app.mapper.compressor, app.mapper.cipher)
        for shared in ("topics", "build", "_codec"):  # R29: personal data, one vault
            if shared in vars(app.mapper):
                setattr(mapper, shared, getattr(app.mapper, shared))
        if "build" in vars(app.mapper):  # the codec made by either mapper serves both
            vars(mapper)["build"] = lambda: app.mapper.codec
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
