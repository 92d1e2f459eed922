"""Fixtures of the end-to-end tests: one local org shared by the replay cases of a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def shared_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """One org with shared activities on for the cases that do not restart it."""
    org = start_local_org(tmp_path_factory.mktemp("replay-org") / "org.db")
    yield org
    org.stop()
