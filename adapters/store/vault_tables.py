"""The vault's tables (R29): mutable rows beside the append-only log, written in bulk."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table

metadata = MetaData()
salt_table = Table(
    "privacy_salt",
    metadata,
    Column("name", String(16), primary_key=True),
    Column("salt", LargeBinary, nullable=False),
)
people = Table(
    "privacy_people",
    metadata,
    Column("person_id", String(16), primary_key=True),
    Column("lookup", String(64), nullable=False),  # read whole, or scanned once by forget
    Column("key", LargeBinary, nullable=False),
)
content = Table(
    "privacy_content",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("activity", String(32), nullable=False, index=True),
    Column("key", LargeBinary, nullable=False),
)
lines = Table(
    "privacy_lines",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("ref", String(48), nullable=False, index=True),
    Column("key", LargeBinary, nullable=False),
)
forgotten = Table(
    "privacy_forgotten",
    metadata,
    Column("lookup", String(64), primary_key=True),
    Column("at", String(40), nullable=False),
)
LOOKUPS_KEPT = 100_000
Person = tuple[str, AESGCM]  # (person id, their key)
Key = tuple[str, AESGCM]  # (key id, the key)


def insert_many(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany on the driver: many small rows without SQLAlchemy's per-row work."""
    names = list(rows[0])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(f'"{name}"' for name in names)
    statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join([mark] * len(names))})'
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(statement, [tuple(row[n] for n in names) for row in rows])
    finally:
        cursor.close()
