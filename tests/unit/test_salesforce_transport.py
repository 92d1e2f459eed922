"""Every call: budget checked first, retried with back-off, session renewed once (R25)."""

from __future__ import annotations

import pytest
import requests
from test_salesforce_fake_client import FakeClient, refusal

from adapters.salesforce.gateway import SimpleSalesforceGateway
from projections.ports import (
    ApiUsage,
    BudgetExhausted,
    PermanentSyncError,
    RetryableSyncError,
    SessionExpired,
)


def gateway(client: FakeClient, **options: object) -> tuple[SimpleSalesforceGateway, list[float]]:
    slept: list[float] = []
    options = {"sleep": slept.append, "random": lambda: 0.5, "max_attempts": 4, **options}
    return SimpleSalesforceGateway(client, **options), slept  # type: ignore[arg-type]


def test_limits_are_read_once_when_nothing_is_known() -> None:
    """R25: the first call reads /limits; later calls use Sforce-Limit-Info."""
    client = FakeClient(used=100)
    gw, _ = gateway(client)
    gw.lookup(["a@x.com"], [])
    gw.lookup(["b@x.com"], [])
    assert client.calls == ["limits", "POST composite", "POST composite"]
    assert gw.api_usage() == ApiUsage(used=103, limit=15000)
    assert gw.calls_made == 3


def test_the_budget_refuses_the_call_that_would_pass_the_share() -> None:
    """R25: with 70% of 1,000, call number 700 is the last one allowed."""
    client = FakeClient(used=698, total=1000)
    gw, _ = gateway(client, budget_percent=70)
    gw.lookup(["a@x.com"], [])  # limits (699), then composite (700)
    with pytest.raises(BudgetExhausted) as refused:
        gw.lookup(["b@x.com"], [])
    assert (refused.value.used, refused.value.limit, refused.value.share) == (700, 1000, 700)
    assert client.calls == ["limits", "POST composite"]


def test_without_view_setup_the_budget_is_read_from_the_usage_header_of_every_answer() -> None:
    """R25: /limits is refused (403 INSUFFICIENT_ACCESS) to a user without View Setup; the
    budget then works from Sforce-Limit-Info, asking /limits once only."""
    client = FakeClient(used=100, deny_limits=True)
    gw, _ = gateway(client)
    gw.lookup(["a@x.com"], [])
    gw.lookup(["b@x.com"], [])
    assert client.calls == ["limits", "GET ", "POST composite", "POST composite"]
    assert gw.api_usage() == ApiUsage(used=104, limit=15000)


def test_without_view_setup_the_budget_still_stops_at_the_share() -> None:
    """R25: the header's figure is enough to refuse the call past the engine's share."""
    client = FakeClient(used=697, total=1000, deny_limits=True)
    gw, _ = gateway(client, budget_percent=70)
    gw.lookup(["a@x.com"], [])  # limits refused (698), resources (699), composite (700)
    with pytest.raises(BudgetExhausted):
        gw.lookup(["b@x.com"], [])
    assert client.calls == ["limits", "GET ", "POST composite"]


def test_no_budget_means_no_limits_call() -> None:
    client = FakeClient()
    gw, _ = gateway(client, budget_percent=None)
    gw.lookup(["a@x.com"], [])
    assert client.calls == ["POST composite"]


def test_retryable_refusals_back_off_then_succeed() -> None:
    """R25: 503, lock and limit refusals are retried with full-jitter exponential back-off."""
    client = FakeClient(
        failures=[
            refusal(503, "SERVER_UNAVAILABLE"),
            refusal(400, "UNABLE_TO_LOCK_ROW"),
            requests.exceptions.ConnectionError("reset"),
        ]
    )
    gw, slept = gateway(client, budget_percent=None, backoff_base=1.0)
    assert gw.lookup(["a@x.com"], []).contacts_by_email == {}
    assert slept == [0.5, 1.0, 2.0]  # dice 0.5 times ceilings 1, 2, 4
    assert gw.calls_made == 4 and gw.retries == 3


def test_retries_stop_after_max_attempts_with_a_retryable_error() -> None:
    """R25: after N attempts the caller gets RetryableSyncError with the org's code."""
    client = FakeClient(failures=[refusal(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests")] * 4)
    gw, slept = gateway(client, budget_percent=None)
    with pytest.raises(RetryableSyncError) as failed:
        gw.lookup(["a@x.com"], [])
    assert failed.value.code == "REQUEST_LIMIT_EXCEEDED"
    assert len(slept) == 3 and gw.calls_made == 4


def test_a_permanent_refusal_is_not_retried() -> None:
    client = FakeClient(failures=[refusal(400, "MALFORMED_QUERY", "bad")])
    gw, slept = gateway(client, budget_percent=None)
    with pytest.raises(PermanentSyncError) as failed:
        gw.lookup(["a@x.com"], [])
    assert (failed.value.code, failed.value.message, slept) == ("MALFORMED_QUERY", "bad", [])


def test_an_expired_session_is_renewed_once_when_credentials_allow() -> None:
    """R25: INVALID_SESSION_ID -> log in again once, then carry on."""
    expired = FakeClient(failures=[refusal(401, "INVALID_SESSION_ID")])
    fresh = FakeClient()
    gw, _ = gateway(expired, budget_percent=None, renew=lambda: fresh)
    gw.lookup(["a@x.com"], [])
    assert expired.calls == ["POST composite"] and fresh.calls == ["POST composite"]


def test_an_expired_session_twice_surfaces() -> None:
    expired = FakeClient(failures=[refusal(401, "INVALID_SESSION_ID")])
    again = FakeClient(failures=[refusal(401, "INVALID_SESSION_ID")])
    gw, _ = gateway(expired, budget_percent=None, renew=lambda: again)
    with pytest.raises(SessionExpired):
        gw.lookup(["a@x.com"], [])


def test_a_session_id_client_cannot_renew() -> None:
    """R25: with session-id auth there is nothing to log in with: SessionExpired."""
    client = FakeClient(failures=[refusal(401, "INVALID_SESSION_ID", "Session expired")])
    gw, slept = gateway(client, budget_percent=None)
    with pytest.raises(SessionExpired) as expired:
        gw.lookup(["a@x.com"], [])
    assert expired.value.message == "Session expired" and slept == []


def test_describe_usage_is_read_off_the_sftype_and_counted_once() -> None:
    """R25: SFType calls report usage on the SFType instance (simple-salesforce gotcha)."""
    client = FakeClient(used=10, describe_fields={"Task": []})
    gw, _ = gateway(client)
    gw.describe("Task")
    assert client.calls == ["limits", "describe Task"]
    assert gw.api_usage() == ApiUsage(used=12, limit=15000)


def test_calls_without_a_usage_header_are_estimated() -> None:
    """R25: a call whose answer carried no Sforce-Limit-Info still counts one."""
    client = FakeClient(used=10)
    gw, _ = gateway(client)
    gw.lookup(["a@x.com"], [])
    client.api_usage = gw.transport._seen  # the next answer brings no new usage
    client._answered = lambda result: result  # type: ignore[method-assign]
    gw.lookup(["b@x.com"], [])
    assert gw.api_usage() == ApiUsage(used=13, limit=15000)
