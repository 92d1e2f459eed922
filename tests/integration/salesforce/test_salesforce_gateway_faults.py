"""The gateway under injected faults and a small API limit (R20, R24, R25)."""

from __future__ import annotations

from typing import Any

import pytest
from salesforce_org_helpers import admin, gateway_for, planned_task, query, seed

from domain.model import PlannedTask
from projections.ports import BudgetExhausted, RetryableSyncError, SessionExpired


def planned(key: str, who: str) -> PlannedTask:
    return planned_task(key, [who], {"Subject": "Opened: hi", "Status": "Completed"})


def test_writes_get_through_lock_errors_and_outages_without_duplicates(fresh_org: Any) -> None:
    """R25, R20: 503s, dropped connections and lock errors are retried; each key is one Task."""
    org = fresh_org()
    (contact,) = seed(admin(org), "Contact", [{"LastName": "C", "Email": "c@x.example"}])
    org.set_faults("HTTP_503:0.2,DISCONNECT:0.1,UNABLE_TO_LOCK_ROW:0.2,SEED:11")
    gateway = gateway_for(org, max_attempts=12)
    tasks = [planned(f"fault-{n}", contact) for n in range(250)]
    outcomes = gateway.write(tasks)
    assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
    assert gateway.retries > 0
    org.set_faults("")
    rows = query(admin(org), "SELECT Activity_Sync_Key__c FROM Task")
    assert sorted(r["Activity_Sync_Key__c"] for r in rows) == sorted(t.sync_key for t in tasks)


def test_lookups_get_through_rate_limits(fresh_org: Any) -> None:
    """R25: REQUEST_LIMIT_EXCEEDED and 500s on lookups are retried with back-off."""
    org = fresh_org()
    seed(admin(org), "Contact", [{"LastName": "C", "Email": "c@x.example"}])
    org.set_faults("REQUEST_LIMIT_EXCEEDED:0.4,HTTP_500:0.2,SEED:3")
    slept: list[float] = []
    gateway = gateway_for(org, max_attempts=15, sleep=slept.append)
    for _ in range(6):
        assert "c@x.example" in gateway.lookup(["c@x.example"], []).contacts_by_email
    assert gateway.retries > 0 and len(slept) == gateway.retries


def test_an_outage_that_lasts_ends_in_a_retryable_error(fresh_org: Any) -> None:
    org = fresh_org(faults="HTTP_503:1")
    gateway = gateway_for(org, max_attempts=3)
    with pytest.raises(RetryableSyncError) as failed:
        gateway.lookup(["c@x.example"], [])
    assert failed.value.code in ("HTTP_503", "SERVER_UNAVAILABLE")
    assert gateway.calls_made == 3


def test_the_budget_stops_calls_before_the_share_is_passed(fresh_org: Any) -> None:
    """R25: with a limit of 20 and a 50% share, the org never counts more than 10 calls."""
    org = fresh_org(api_limit=20)
    (contact,) = seed(admin(org), "Contact", [{"LastName": "C", "Email": "c@x.example"}])
    gateway = gateway_for(org, budget_percent=50)
    with pytest.raises(BudgetExhausted) as stopped:
        for n in range(20):
            gateway.write([planned(f"budget-{n}", contact)])
    assert stopped.value.share == 10
    usage = gateway.api_usage()
    assert usage.used <= 10 and usage.limit == 20
    limits = admin(org).limits()["DailyApiRequests"]
    assert limits["Max"] - limits["Remaining"] <= 11  # 10 of ours, plus this /limits read


def test_a_refused_session_id_is_session_expired(fresh_org: Any) -> None:
    """R25: session-id auth cannot be renewed; the caller is told."""
    org = fresh_org(faults="INVALID_SESSION_ID:1")
    with pytest.raises(SessionExpired):
        gateway_for(org).lookup(["c@x.example"], [])
