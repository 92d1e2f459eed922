"""Salesforce refusals become our errors with Salesforce's own code and message (R25)."""

from __future__ import annotations

import pytest
import requests
from test_salesforce_fake_client import refusal

from adapters.local_org import assumptions
from adapters.salesforce.errors import first_error, is_shared_refusal, translate
from projections.ports import PermanentSyncError, RetryableSyncError, SessionExpired


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (403, "REQUEST_LIMIT_EXCEEDED", RetryableSyncError),
        (400, "UNABLE_TO_LOCK_ROW", RetryableSyncError),
        (500, "UNKNOWN_EXCEPTION", RetryableSyncError),
        (503, "SERVER_UNAVAILABLE", RetryableSyncError),
        (401, "INVALID_SESSION_ID", SessionExpired),
        (400, "MALFORMED_QUERY", PermanentSyncError),
        (403, "API_DISABLED_FOR_ORG", PermanentSyncError),
        (404, "NOT_FOUND", PermanentSyncError),
    ],
)
def test_refusals_keep_salesforce_code_and_message(status: int, code: str, kind: type) -> None:
    """R25: retryable codes and 5xx retry; the session expires; other 4xx are permanent."""
    error = translate(refusal(status, code, "said the org"))
    assert type(error) is kind
    assert (error.code, error.message) == (code, "said the org")


@pytest.mark.parametrize(
    ("raised", "code", "kind"),
    [
        (requests.exceptions.ConnectTimeout("slow"), "TIMEOUT", RetryableSyncError),
        (requests.exceptions.ReadTimeout("slow"), "TIMEOUT", RetryableSyncError),
        (requests.exceptions.ConnectionError("reset"), "CONNECTION_ERROR", RetryableSyncError),
        (requests.exceptions.SSLError("bad cert"), "SSL_ERROR", PermanentSyncError),
    ],
)
def test_network_failures_are_translated(raised: Exception, code: str, kind: type) -> None:
    """R25: time-outs and dropped connections are retryable; an untrusted certificate is not."""
    error = translate(raised)
    assert type(error) is kind and error.code == code


def test_a_body_that_is_not_json_still_gives_a_code() -> None:
    error = translate(refusal(502, "x", "y").__class__("u", 502, "r", b"<html>bad gateway</html>"))
    assert error.code == "HTTP_502" and "bad gateway" in error.message
    assert isinstance(error, RetryableSyncError)


def test_collection_errors_use_status_code() -> None:
    assert first_error([{"statusCode": "DUPLICATE_VALUE", "message": "dup"}]) == (
        "DUPLICATE_VALUE",
        "dup",
    )


def test_the_local_orgs_unknown_task_who_ids_is_a_shared_refusal() -> None:
    """R18: the refusal for TaskWhoIds with shared activities off is recognised."""
    message = "No such column 'TaskWhoIds' on sobject of type Task"
    assert is_shared_refusal(assumptions.UNKNOWN_FIELD_CODE, message)
    assert not is_shared_refusal("INVALID_FIELD", "No such column 'Foo__c' on sobject of type Task")
    assert not is_shared_refusal("FIELD_INTEGRITY_EXCEPTION", "TaskWhoIds: too many contacts")


def test_anything_else_is_not_swallowed() -> None:
    with pytest.raises(TypeError):
        translate(KeyError("bug"))
