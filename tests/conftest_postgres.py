"""The `postgres_store_url` fixture: a fresh schema on the local PostgreSQL server, dropped after.

Tests that use it are marked `@pytest.mark.postgres`; they skip, saying why, when the
server is not reachable. `ACTIVITY_SYNC_TEST_POSTGRES` overrides the server URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_server() -> str:
    return os.environ.get("ACTIVITY_SYNC_TEST_POSTGRES", DEFAULT_SERVER)


def unreachable_reason(server: str) -> str | None:
    """Why the server cannot be used, or None when it answers."""
    try:
        with psycopg.connect(server, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"PostgreSQL at {server} is not reachable ({first_line})"
    return None


@pytest.fixture
def postgres_store_url() -> Iterator[str]:
    """`postgresql://...?schema=<unique>`; the schema (and everything in it) is dropped after."""
    server = postgres_server()
    reason = unreachable_reason(server)
    if reason:
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    yield f"{server}?schema={schema}"
    with psycopg.connect(server, connect_timeout=3, autocommit=True) as connection:
        connection.execute("SET lock_timeout = '10s'")
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
