"""Leases on rows of a SQL queue: who holds a row, until when; claimed in one statement.

Shared by the worker's queue and the rules' notice queue: a claim is a single UPDATE over
a sub-select (with `FOR UPDATE SKIP LOCKED` on PostgreSQL), so several processes take
disjoint rows, and a lease that runs out (a crashed process) frees its rows.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Float, String, Table, select, text
from sqlalchemy.engine import Engine


def lease_columns() -> list[Column[Any]]:
    """The three columns every leased queue table carries."""
    return [
        Column("lease_owner", String(200)),
        Column("lease_token", String(32), index=True),
        Column("lease_until", Float),
    ]


def claim_rows(
    engine: Engine,
    table: Table,
    key: str,
    order: str,
    condition: str,
    values: dict[str, Any],
    owner: str,
    limit: int,
    now: float,
    lease_seconds: float,
) -> list[UUID]:
    """Lease up to `limit` rows matching `condition` (SQL over the table's columns) that no
    live lease holds, in `order`; return their keys (hex uuids) in that order."""
    token = uuid.uuid4().hex
    lock = "FOR UPDATE SKIP LOCKED" if engine.dialect.name == "postgresql" else ""
    statement = text(
        f"UPDATE {table.name} SET lease_owner = :owner, lease_token = :token, "
        f"lease_until = :until WHERE {key} IN ("
        f" SELECT {key} FROM {table.name} WHERE {condition}"
        " AND (lease_until IS NULL OR lease_until < :now)"
        f" ORDER BY {order} LIMIT :limit {lock})"
    )
    parameters = {
        **values,
        "owner": owner,
        "token": token,
        "until": now + lease_seconds,
        "now": now,
        "limit": limit,
    }
    with engine.begin() as connection:
        connection.execute(statement, parameters)
        rows = connection.execute(
            select(table.c[key]).where(table.c.lease_token == token).order_by(table.c[order])
        ).scalars()
        return [UUID(hex=row) for row in rows]
