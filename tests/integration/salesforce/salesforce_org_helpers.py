"""Helpers for the gateway's integration tests: start local orgs, build gateways, seed, query."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce import Salesforce

from adapters.salesforce import SimpleSalesforceGateway, connect
from domain.model import PlannedTask


def _launcher() -> Any:
    return pytest.importorskip(
        "adapters.local_org.launcher", reason="the local org is not built yet"
    )


def env_of(org: Any) -> dict[str, str]:
    return {
        "SALESFORCE_INSTANCE_URL": org.instance_url,
        "SALESFORCE_SESSION_ID": org.session_id,
        "SALESFORCE_CA_BUNDLE": org.ca_bundle,
    }


def org_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local org (shared activities on) per test module."""
    started = _launcher().start_local_org(tmp_path_factory.mktemp("org") / "org.db")
    try:
        yield started
    finally:
        started.stop()


def fresh_org_fixture(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start an org of one's own with options (faults, api_limit, shared_activities)."""
    started: list[Any] = []

    def start(**options: Any) -> Any:
        launched = _launcher().start_local_org(tmp_path / f"org{len(started)}.db", **options)
        started.append(launched)
        return launched

    yield start
    for launched in started:
        launched.stop()


def gateway_for(org: Any, **options: Any) -> SimpleSalesforceGateway:
    """A gateway on a client built by `connect` from the org's environment."""
    options = {"sleep": lambda s: None, "budget_percent": None, **options}
    return SimpleSalesforceGateway(connect(org.instance_url, env_of(org)), **options)


def admin(org: Any) -> Salesforce:
    return connect(org.instance_url, env_of(org))


def seed(sf: Salesforce, sobject: str, rows: list[dict[str, Any]]) -> list[str]:
    """Create the rows through sObject Collections (all or none), returning their ids."""
    ids: list[str] = []
    for start in range(0, len(rows), 200):
        records = [{"attributes": {"type": sobject}, **row} for row in rows[start : start + 200]]
        results = sf.restful(
            "composite/sobjects", method="POST", json={"allOrNone": True, "records": records}
        )
        failures = [r["errors"] for r in results if not r["success"]]
        assert not failures, failures
        ids.extend(r["id"] for r in results)
    return ids


def query(sf: Salesforce, statement: str) -> list[dict[str, Any]]:
    return list(sf.query_all_iter(statement))


def planned_task(
    key: str,
    who_ids: list[str],
    fields: Mapping[str, Any],
    what: str | None = None,
    shared: bool | None = None,
) -> PlannedTask:
    """A Task as the planner hands it to the gateway: primary first, R10c with a WhatId
    (the Account), else R10d; shared when it has several people unless told otherwise."""
    return PlannedTask(
        sync_key=key,
        sobject="Task",
        who_id=who_ids[0],
        who_ids=tuple(who_ids),
        what_id=what,
        what_rule="R10c" if what else "R10d",
        account_id=what,
        shared=len(who_ids) > 1 if shared is None else shared,
        fields=dict(fields),
    )
