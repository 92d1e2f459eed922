"""Fixtures for the gateway's integration tests: a shared local org and orgs of one's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from salesforce_org_helpers import fresh_org_fixture, org_fixture


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local org (shared activities on) per test module."""
    yield from org_fixture(tmp_path_factory)


@pytest.fixture
def fresh_org(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start an org of one's own with options (faults, api_limit, shared_activities)."""
    yield from fresh_org_fixture(tmp_path)
