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

from adapters.local_org.schema import catalog
from adapters.local_org.schema.model import Field, SObjectType

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
        self.cascade_table = Table(
            "org_cascade",  # rows deleted with a record, brought back by its undelete
            self.metadata,
            Column("row_id", String(18), primary_key=True),
            Column("sobject", String),
            Column("cause_id", String(18), index=True),
        )
        self.engine = _sqlite_engine(path)
        self.metadata.create_all(self.engine)
        self.conn: Connection = self.engine.connect()
        self._add_new_columns()
        self._next_id = 0
        self._id_limit = 0
        self._statements: dict[tuple[Any, ...], str] = {}
        self._depth = 0
        self._columns = {name: [c.name for c in t.columns] for name, t in self.tables.items()}
        self._booleans = {
            name: [c.name for c in t.columns if isinstance(c.type, Boolean)]
            for name, t in self.tables.items()
        }

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
        """Work that is undone alone when it raises (one record of a collection).

        Plain SAVEPOINT statements inside the request's transaction: cheaper than the ORM-free
        but still costly nested-transaction objects, and invisible to nothing else."""
        self._depth += 1
        name = f"sp{self._depth}"
        cursor = self._cursor()
        cursor.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            cursor.execute(f"ROLLBACK TO {name}")
            cursor.execute(f"RELEASE {name}")
            raise
        else:
            cursor.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def _add_new_columns(self) -> None:
        """Columns of fields added since the db was made (an older db opens as it was)."""
        with self.lock:
            for name, table in self.tables.items():
                found = {r[1] for r in self.conn.exec_driver_sql(f'PRAGMA table_info("{name}")')}
                missing = [c for c in table.columns if c.name not in found]
                for column in missing:
                    kind = column.type.compile(self.engine.dialect)
                    self.conn.exec_driver_sql(
                        f'ALTER TABLE "{name}" ADD COLUMN "{column.name}" {kind}'
                    )
                for index in table.indexes if missing else ():
                    index.create(self.conn, checkfirst=True)
            self.conn.commit()

    # --- the recycle bin's cascades --------------------------------------------------------

    def record_cascade(self, cause_id: str, rows: list[tuple[str, str]]) -> None:
        """(sobject, id) rows were deleted because `cause_id` was."""
        if rows:
            self.conn.execute(
                self.cascade_table.insert().prefix_with("OR REPLACE"),
                [{"row_id": i, "sobject": o, "cause_id": cause_id} for o, i in rows],
            )

    def take_cascade(self, cause_id: str) -> list[tuple[str, str]]:
        """The (sobject, id) rows deleted with `cause_id`, forgotten as they are returned."""
        table = self.cascade_table
        found = self.conn.execute(
            select(table.c.sobject, table.c.row_id).where(table.c.cause_id == cause_id)
        ).all()
        self.conn.execute(table.delete().where(table.c.cause_id == cause_id))
        return [(str(o), str(i)) for o, i in found]

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

    # --- rows (plain DB-API statements on the same connection: the hot path) ------------------

    def insert(self, sobject: str, row: dict[str, Any]) -> None:
        self.insert_many(sobject, [row])

    def insert_many(self, sobject: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows that all have the same keys."""
        if not rows:
            return
        names = tuple(rows[0])
        sql = self._sql(("insert", sobject, names))
        self._cursor().executemany(sql, [self._encode(sobject, r, names) for r in rows])

    def update(self, sobject: str, record_id: str, changes: dict[str, Any]) -> None:
        if not changes:
            return
        names = tuple(changes)
        sql = self._sql(("update", sobject, names))
        self._cursor().execute(sql, [*self._encode(sobject, changes, names), record_id])

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
        wanted = list(dict.fromkeys(values))
        found: list[dict[str, Any]] = []
        cursor = self._cursor()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            sql = self._sql(("find", sobject, field, len(chunk), include_deleted))
            found.extend(self._decode(sobject, r) for r in cursor.execute(sql, chunk))
        return found

    def scan(self, sobject: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        sql = self._sql(("scan", sobject, include_deleted))
        return [self._decode(sobject, r) for r in self._cursor().execute(sql)]

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

    # --- statement text and value conversion ----------------------------------------------------

    def _cursor(self) -> Any:
        return self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def _sql(self, key: tuple[Any, ...]) -> str:
        sql = self._statements.get(key)
        if sql is None:
            sql = self._statements[key] = _statement(key)
        return sql

    def _encode(self, sobject: str, row: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
        junction = _JUNCTIONS.get(sobject)
        values = [row[n] for n in names]
        if junction in names:
            at = names.index(junction)
            if values[at] is not None:
                values[at] = json.dumps(values[at])
        return values

    def _decode(self, sobject: str, raw: tuple[Any, ...]) -> dict[str, Any]:
        row = dict(zip(self._columns[sobject], raw, strict=True))
        for name in self._booleans[sobject]:
            if row[name] is not None:
                row[name] = bool(row[name])
        junction = _JUNCTIONS.get(sobject)
        if junction and row.get(junction) is not None:
            row[junction] = json.loads(row[junction])
        return row


def _statement(key: tuple[Any, ...]) -> str:
    kind, sobject = key[0], key[1]
    if kind == "insert":
        names = key[2]
        columns = ", ".join(f'"{n}"' for n in names)
        return f'INSERT INTO "{sobject}" ({columns}) VALUES ({", ".join("?" * len(names))})'
    if kind == "update":
        assignments = ", ".join(f'"{n}" = ?' for n in key[2])
        return f'UPDATE "{sobject}" SET {assignments} WHERE "Id" = ?'
    live = "" if key[-1] else ' AND "IsDeleted" = 0'
    if kind == "find":
        marks = ", ".join("?" * key[3])
        return f'SELECT * FROM "{sobject}" WHERE "{key[2]}" IN ({marks}){live}'
    return f'SELECT * FROM "{sobject}" WHERE 1 = 1{live}'


_JUNCTIONS = {"Task": "TaskWhoIds", "Event": "EventWhoIds"}
