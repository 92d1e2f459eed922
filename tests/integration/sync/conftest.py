"""Fixtures for the sync's end-to-end tests: local orgs over HTTPS, a fresh store per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_e2e_support import SyncCase, store_url_in

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def sync_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """One org with shared activities on per module; each test brings its own people."""
    org = start_local_org(tmp_path_factory.mktemp("sync-org") / "org.db")
    yield org
    org.stop()


@pytest.fixture
def case(sync_org: LocalOrg, tmp_path: Path) -> SyncCase:
    """A fresh store syncing into the module's org, with a unique tag for its people."""
    return SyncCase(sync_org, store_url_in(tmp_path))


@pytest.fixture
def fresh_case(tmp_path: Path) -> Iterator[Callable[..., SyncCase]]:
    """A case on an org of its own (for tests that restart it, inject faults or cap the API)."""
    started: list[LocalOrg] = []

    def start(**options: Any) -> SyncCase:
        org = start_local_org(tmp_path / f"org{len(started)}.db", **options)
        started.append(org)
        return SyncCase(org, store_url_in(tmp_path))

    yield start
    for org in started:
        org.stop()
