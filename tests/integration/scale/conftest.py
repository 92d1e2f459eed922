"""Fixtures for the scale tests: PostgreSQL schemas (skipped when the server is absent), local orgs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from conftest_postgres import (
    postgres_server,
    postgres_store_url,  # noqa: F401  (the fixture, for these tests)
    unreachable_reason,
)

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def postgres_reachable() -> None:
    """Skip (saying why) before anything is started when the PostgreSQL server is absent."""
    reason = unreachable_reason(postgres_server())
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def slow_org(
    postgres_reachable: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalOrg]:
    """A local org answering every call 20 ms late, as a real org over the network does."""
    org = start_local_org(tmp_path_factory.mktemp("scale-org") / "org.db", faults="LATENCY_MS:20")
    yield org
    org.stop()


@pytest.fixture(scope="module")
def org(postgres_reachable: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """A local org with shared activities on and no added latency."""
    started = start_local_org(tmp_path_factory.mktemp("scale-org") / "org.db")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def module_store_url(postgres_reachable: None) -> Iterator[str]:
    """Like `postgres_store_url`, one schema for a whole module (a story told test by test)."""
    server = postgres_server()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    yield f"{server}?schema={schema}"
    with psycopg.connect(server, connect_timeout=3, autocommit=True) as connection:
        connection.execute("SET lock_timeout = '10s'")
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
