"""SQLAlchemy for the read models and queues, on the same database as the event store."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from adapters.store.persistence import StoreLocation


def engine_for(location: StoreLocation) -> Engine:
    """One engine per database URL per process (WAL and a generous busy timeout on SQLite)."""
    return _engine(location.sqlalchemy_url)


@lru_cache(maxsize=16)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=4)


def create_missing_tables(engine: Engine, tables: Iterable[Table]) -> None:
    """Create each table when missing; losing the race to another process starting too is fine."""
    for table in tables:
        try:
            table.create(engine, checkfirst=True)
        except DBAPIError:
            if not inspect(engine).has_table(table.name, schema=table.schema):
                raise


def dialect_insert(bind: Engine | Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that knows its database's ON CONFLICT clauses (SQLite and PostgreSQL)."""
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignoring_existing(
    bind: Engine | Connection, table: Table, key: str
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that skips rows whose `key` already exists."""
    return dialect_insert(bind, table).on_conflict_do_nothing(index_elements=[key])
