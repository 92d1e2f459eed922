"""Fixtures for the scale tests: a fresh PostgreSQL schema per test, local orgs with latency."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest_postgres import postgres_store_url  # noqa: F401  (the fixture, for these tests)

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def slow_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """A local org answering every call 20 ms late, as a real org over the network does."""
    org = start_local_org(tmp_path_factory.mktemp("scale-org") / "org.db", faults="LATENCY_MS:20")
    yield org
    org.stop()


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """A local org with shared activities on and no added latency."""
    started = start_local_org(tmp_path_factory.mktemp("scale-org") / "org.db")
    yield started
    started.stop()
