"""Reading the events of many aggregates in one query (SQLite, PostgreSQL), decoded as usual.

The store's side of `projections.ports.HistoryReader`: a replay loads hundreds of
activities per chunk, and one statement per chunk instead of one per activity roughly
halves the time spent outside decoding. `open_app` attaches it where the recorder allows;
other recorders keep the event store's per-aggregate read. Decoding always goes through
the application's mapper (transcoder, upcasting), so what replay sees is what the
application sees.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from projections.application import ActivitySyncApp
from projections.ports import HistoryReader, Undecoded


class SqlHistoryReader(HistoryReader):
    """One SELECT per chunk of aggregates on SQLite or PostgreSQL."""

    def __init__(self, app: ActivitySyncApp) -> None:
        self.app = app

    def events_of(self, ids: Sequence[UUID], skip: Collection[str] = ()) -> dict[UUID, list[Any]]:
        rows = _stored(self.app, ids, tuple(skip))
        grouped: dict[Any, list[Any]] = {}
        for stored in rows:
            if stored.topic in skip:
                event: Any = Undecoded(
                    stored.originator_id, stored.originator_version, stored.topic
                )
            else:
                event = self.app.mapper.to_domain_event(stored)
            grouped.setdefault(stored.originator_id, []).append(event)
        return grouped


def history_reader(app: ActivitySyncApp) -> HistoryReader | None:
    """The bulk reader for this store, or None where the recorder does not allow it."""
    return SqlHistoryReader(app) if bulk_readable(app) else None


def bulk_readable(app: ActivitySyncApp) -> bool:
    """Whether the store answers one query per chunk (else one read per aggregate)."""
    recorder = app.recorder
    module = type(recorder).__module__
    if module == "eventsourcing.sqlite":
        return bool(recorder.datastore.originator_id_type == "uuid")  # type: ignore[attr-defined]
    return module == "eventsourcing.postgres"


def _stored(app: ActivitySyncApp, ids: Sequence[UUID], skip: tuple[str, ...]) -> list[StoredEvent]:
    """The stored events; those with a topic in `skip` come without their state."""
    if not ids:
        return []
    if type(app.recorder).__module__ == "eventsourcing.sqlite":
        return _sqlite(app.recorder, ids, skip)
    return _postgres(app.recorder, ids, skip)


def _sqlite(recorder: Any, ids: Sequence[UUID], skip: tuple[str, ...]) -> list[StoredEvent]:
    marks = ",".join("?" * len(ids))
    state = "state"
    if skip:
        state = f"CASE WHEN topic IN ({','.join('?' * len(skip))}) THEN NULL ELSE state END"
    statement = (
        f"SELECT originator_id, originator_version, topic, {state} AS state FROM "
        f"{recorder.events_table_name} WHERE originator_id IN ({marks}) "
        "ORDER BY originator_id, originator_version"
    )
    known = {i.hex: i for i in ids}
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, [*skip, *known])
        return [
            StoredEvent(
                known[row["originator_id"]],
                row["originator_version"],
                row["topic"],
                row["state"] or b"",
            )
            for row in cursor.fetchall()
        ]


def _postgres(recorder: Any, ids: Sequence[UUID], skip: tuple[str, ...]) -> list[StoredEvent]:
    table = f"{_quoted(recorder.datastore.schema)}.{_quoted(recorder.events_table_name)}"
    statement = (
        "SELECT originator_id, originator_version, topic, "
        f"CASE WHEN topic = ANY(%s) THEN NULL ELSE state END AS state FROM {table} "
        "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
    )
    with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
        cursor.execute(statement, [list(skip), list(ids)])
        return [
            StoredEvent(
                row["originator_id"],
                row["originator_version"],
                row["topic"],
                b"" if row["state"] is None else bytes(row["state"]),
            )
            for row in cursor.fetchall()
        ]


def _quoted(identifier: str) -> str:
    """A PostgreSQL identifier in double quotes (quotes inside doubled)."""
    return '"' + identifier.replace('"', '""') + '"'
