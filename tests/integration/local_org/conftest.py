"""Local org fixtures: a real `activity-sync org serve` subprocess reached over HTTPS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from simple_salesforce import Salesforce

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def local_org_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., LocalOrg]]:
    """Start orgs on fresh dbs (keyword arguments as start_local_org); all stopped afterwards."""
    started: list[LocalOrg] = []

    def start(**options: Any) -> LocalOrg:
        db = tmp_path_factory.mktemp("local-org") / "org.db"
        org = start_local_org(db, **options)
        started.append(org)
        return org

    yield start
    for org in started:
        org.stop()


@pytest.fixture(scope="session")
def local_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """One org with shared activities on, shared by every test of a worker (tests make their
    own records and never count what they did not make)."""
    org = start_local_org(tmp_path_factory.mktemp("local-org-shared") / "org.db")
    yield org
    org.stop()


@pytest.fixture
def sf(local_org: LocalOrg) -> Salesforce:
    return local_org.salesforce()
