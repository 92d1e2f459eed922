"""Takes a forgotten person out of the read models and queues, then out of the database's files.

Every table beside the log is a view (or a queue) of it: rows that hold the address are
rewritten to what a rebuild from the log now gives (`(forgotten person)`), subjects whose
key was destroyed are erased, and the console's address index loses the person's rows.
Then SQLite rewrites its file (VACUUM with secure_delete, WAL checkpointed and truncated);
PostgreSQL vacuums the touched tables (its limits: docs/privacy.md).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, String, Text, func, inspect, or_, text, update

from adapters.store.persistence import StoreLocation
from adapters.store.personal_codec import ERASED, erased_id
from adapters.views import address_index, record_names
from adapters.views.tables import activities
from domain.model import FORGOTTEN_PERSON

LOG_TABLES = frozenset({"stored_events", "stored_snapshots", "notification_tracking"})
ID_COLUMNS = {
    ("view_activities", "source_id"): "uuid",
    ("view_tasks", "activity_id"): "activity_uuid",
}


@dataclass
class Scrubbed:
    """What the read models gave up, and what the database did with its files."""

    rows: int = 0
    tables: set[str] = field(default_factory=set)
    files: str = ""


def scrub(engine: Engine, address: str, erased: Iterable[str]) -> Scrubbed:
    """Rewrite every view row naming `address`; erase the subjects of `erased` activities."""
    done = Scrubbed()
    index = address_index.addresses
    with engine.begin() as conn:
        named = or_(index.c.address == address, index.c.address.like(f"%<{address}>%"))
        gone = conn.execute(index.delete().where(named)).rowcount
        done.rows += int(gone or 0)
        done.tables.add(index.name)
        names = record_names.record_names  # a person's Name beside their address
        if inspect(conn).has_table(names.name):
            named_person = func.lower(names.c.address) == address.lower()
            done.rows += int(conn.execute(names.delete().where(named_person)).rowcount or 0)
            done.tables.add(names.name)
        uuids = [str(_uuid(hex_id)) for hex_id in erased]
        if uuids:
            conn.execute(
                update(activities).where(activities.c.uuid.in_(uuids)).values(subject=ERASED)
            )
            done.tables.add(activities.name)
    for table, column, key in _text_columns(engine):
        changed = _rewrite(engine, table, column, key, address)
        if changed:
            done.rows += changed
            done.tables.add(table)
    return done


def _uuid(hex_id: str) -> str:
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def _text_columns(engine: Engine) -> list[tuple[str, str, list[str]]]:
    found = []
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        if table in LOG_TABLES or table.startswith("privacy_"):
            continue
        keys = inspector.get_pk_constraint(table).get("constrained_columns") or []
        for column in inspector.get_columns(table):
            if isinstance(column["type"], String | Text) and keys:
                found.append((table, column["name"], list(keys)))
    return found


def _rewrite(engine: Engine, table: str, column: str, keys: list[str], address: str) -> int:
    """Rewrite one column's values naming the address (an activity id: to its erased form)."""
    pattern = re.compile(re.escape(address), re.IGNORECASE)
    id_key = ID_COLUMNS.get((table, column))
    shown = ", ".join(f'"{k}"' for k in dict.fromkeys([*keys, *([id_key] if id_key else [])]))
    query = f'SELECT {shown}, "{column}" AS value FROM "{table}" WHERE lower("{column}") LIKE :p'
    where = " AND ".join(f'"{k}" = :k_{k}' for k in keys)
    with engine.begin() as conn:
        rows = conn.execute(text(query), {"p": f"%{_like(address)}%"}).all()
        for row in rows:
            if id_key:
                value = erased_id(str(getattr(row, id_key)).replace("-", ""))
            else:
                value = pattern.sub(FORGOTTEN_PERSON, row.value)
            conn.execute(
                text(f'UPDATE "{table}" SET "{column}" = :v WHERE {where}'),
                {"v": value, **{f"k_{k}": getattr(row, k) for k in keys}},
            )
    return len(rows)


def _like(value: str) -> str:
    return value.lower()


def erase_files(location: StoreLocation, tables: Iterable[str]) -> str:
    """Make deleted and rewritten rows unreadable in the database's own storage."""
    path = location.sqlite_path
    if path is not None:
        return _sqlite(path)
    return _postgres(location, tables)


def _sqlite(path: Path) -> str:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("PRAGMA secure_delete=ON")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy:
        return "the file was rewritten (VACUUM), but another process holds the WAL open"
    return "the file was rewritten (VACUUM) and its WAL emptied"


def _postgres(location: StoreLocation, tables: Iterable[str]) -> str:
    import psycopg

    env = location.env
    with psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        dbname=env["POSTGRES_DBNAME"],
        autocommit=True,
        connect_timeout=5,
    ) as connection:
        schema = location.schema or "public"
        for table in ("privacy_people", "privacy_content", "privacy_lines"):
            connection.execute(f'VACUUM (FULL) "{schema}"."{table}"')
        for table in sorted(set(tables)):
            connection.execute(f'VACUUM "{schema}"."{table}"')
    return "the vault was rewritten (VACUUM FULL) and the touched views vacuumed"
