"""The local org's SQLite storage: one table per object, indexed lookups, one guarded connection."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Connection

from adapters.local_org import catalog
from adapters.local_org.schema import Field, SObjectType

_CHUNK = 500  # ids per IN (...) statement
_ID_BLOCK = 1000  # ids reserved per write of the counter
_UNINDEXED = frozenset({"CreatedById", "LastModifiedById"})


def _column(f: Field) -> Column[Any]:
    if f.type == "id":
        return Column(f.name, String(18, collation="NOCASE"), primary_key=True)
    if f.type == "boolean":
        return Column(f.name, Boolean(create_constraint=False))
    if f.type == "int":
        return Column(f.name, Integer)
    if f.type in ("double", "currency", "percent"):
        return Column(f.name, Float)
    if f.type == "junctionidlist":
        return Column(f.name, Text)
    return Column(f.name, Text(collation="NOCASE"))


def _table(obj: SObjectType, metadata: MetaData) -> Table:
    table = Table(obj.name, metadata, *(_column(f) for f in obj.fields))
    for f in obj.fields:
        if f.type == "id" or not f.lookup_indexed or f.name in _UNINDEXED:
            continue
        if f.unique:
            Index(
                f"ux_{obj.name}_{f.name}",
                table.c[f.name],
                unique=True,
                sqlite_where=table.c.IsDeleted == False,  # noqa: E712 (SQL expression)
            )
        else:
            Index(f"ix_{obj.name}_{f.name}", table.c[f.name])
    return table


def _sqlite_engine(path: str) -> Any:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN/SAVEPOINT work
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


class Store:
    """Rows of every object, keyed by Id; every use happens under `lock`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.metadata = MetaData()
        self.tables = {o.name: _table(o, self.metadata) for o in catalog.stored()}
        self.meta_table = Table(
            "org_meta",
            self.metadata,
            Column("key", String, primary_key=True),
            Column("value", Text),
        )
        self.engine = _sqlite_engine(path)
        self.metadata.create_all(self.engine)
        self.conn: Connection = self.engine.connect()
        self._next_id = 0
        self._id_limit = 0

    def close(self) -> None:
        with self.lock:
            self.conn.close()
            self.engine.dispose()

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One request's work: committed at the end, rolled back on an exception."""
        with self.lock:
            if self.conn.in_transaction():
                self.conn.rollback()
            with self.conn.begin():
                yield

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Work that is undone alone when it raises (one record of a collection)."""
        with self.conn.begin_nested():
            yield

    # --- meta ---------------------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute(
            select(self.meta_table.c.value).where(self.meta_table.c.key == key)
        ).first()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        table = self.meta_table
        done = self.conn.execute(update(table).where(table.c.key == key).values(value=value))
        if done.rowcount == 0:
            self.conn.execute(table.insert().values(key=key, value=value))

    def new_id(self, prefix: str) -> str:
        from adapters.local_org.ids import make_id

        if self._next_id >= self._id_limit:
            start = int(self.get_meta("next_id", "1") or "1")
            self._next_id, self._id_limit = start, start + _ID_BLOCK
            self.set_meta("next_id", str(self._id_limit))
        self._next_id += 1
        return make_id(prefix, self._next_id - 1)

    # --- rows ---------------------------------------------------------------------------------

    def insert(self, sobject: str, row: dict[str, Any]) -> None:
        self.conn.execute(self.tables[sobject].insert(), _encode(sobject, row))

    def update(self, sobject: str, record_id: str, changes: dict[str, Any]) -> None:
        table = self.tables[sobject]
        self.conn.execute(
            update(table).where(table.c.Id == record_id).values(_encode(sobject, changes))
        )

    def get(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        rows = self.find(sobject, "Id", [record_id], include_deleted=True)
        return rows[0] if rows else None

    def find(
        self,
        sobject: str,
        field: str,
        values: Iterable[Any],
        include_deleted: bool = False,
    ) -> list[dict[str, Any]]:
        """Rows whose `field` is one of `values` (case-insensitive for text), in chunks."""
        table = self.tables[sobject]
        column = table.c[field]
        wanted = list(dict.fromkeys(values))
        found: list[dict[str, Any]] = []
        for start in range(0, len(wanted), _CHUNK):
            query = select(table).where(column.in_(wanted[start : start + _CHUNK]))
            if not include_deleted:
                query = query.where(table.c.IsDeleted == False)  # noqa: E712
            found.extend(_decode(sobject, r._mapping) for r in self.conn.execute(query))
        return found

    def scan(
        self, sobject: str, include_deleted: bool = False, where: Any = None
    ) -> list[dict[str, Any]]:
        table = self.tables[sobject]
        query = select(table)
        if not include_deleted:
            query = query.where(table.c.IsDeleted == False)  # noqa: E712
        if where is not None:
            query = query.where(where)
        return [_decode(sobject, r._mapping) for r in self.conn.execute(query)]

    def ids_exist(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The rows (deleted ones too) of ids of any object, keyed by id."""
        by_object: dict[str, list[str]] = {}
        for record_id in ids:
            obj = catalog.for_prefix(record_id[:3])
            if obj is not None:
                by_object.setdefault(obj.name, []).append(record_id)
        found: dict[str, dict[str, Any]] = {}
        for sobject, wanted in by_object.items():
            for row in self.find(sobject, "Id", wanted, include_deleted=True):
                found[row["Id"]] = row
        return found


_JUNCTIONS = {"Task": "TaskWhoIds", "Event": "EventWhoIds"}


def _encode(sobject: str, row: dict[str, Any]) -> dict[str, Any]:
    name = _JUNCTIONS.get(sobject)
    if name and name in row and row[name] is not None:
        row = {**row, name: json.dumps(row[name])}
    return row


def _decode(sobject: str, mapping: Any) -> dict[str, Any]:
    row = dict(mapping)
    name = _JUNCTIONS.get(sobject)
    if name and row.get(name) is not None:
        row[name] = json.loads(row[name])
    return row
