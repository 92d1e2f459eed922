"""Turns simple-salesforce and requests failures into our errors, with Salesforce's own code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError

from projections.ports import PermanentSyncError, RetryableSyncError, SessionExpired, SyncError

# Codes that say "the same request may well succeed a little later".
RETRYABLE_CODES = frozenset(
    {
        "UNABLE_TO_LOCK_ROW",
        "REQUEST_LIMIT_EXCEEDED",
        "SERVER_UNAVAILABLE",
        "QUERY_TIMEOUT",
        "CONCURRENT_REQUEST_LIMIT_EXCEEDED",
        "PROCESSING_HALTED",  # a composite sibling failed; this one was never run
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    }
)
# Codes with which an org refuses a field or object that does not exist there.
UNKNOWN_FIELD_CODES = frozenset(
    {"INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_TYPE", "NOT_FOUND"}
)
SHARED_MARKERS = ("taskwhoids", "taskrelation", "taskwhorelation", "shared activities")
# Codes a delete answers when the record is already gone: the goal is reached.
GONE_CODES = frozenset({"ENTITY_IS_DELETED", "NOT_FOUND", "INVALID_CROSS_REFERENCE_KEY"})


def first_error(content: Any) -> tuple[str | None, str]:
    """(code, message) of a Salesforce error body: a list of errors, one error, or text."""
    if isinstance(content, list) and content:
        content = content[0]
    if isinstance(content, Mapping):
        code = content.get("errorCode") or content.get("statusCode")
        return (str(code) if code else None), str(content.get("message") or "")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return None, str(content or "")[:500]


def is_retryable(code: str | None, status: int | None = None) -> bool:
    """Transient codes, 5xx answers and missing answers are worth trying again."""
    if code in RETRYABLE_CODES:
        return True
    return status is not None and status >= 500


def is_shared_refusal(code: str | None, message: str) -> bool:
    """The org refused because shared activities (TaskWhoIds, TaskRelation) is not there (R18)."""
    lowered = message.lower()
    return code in UNKNOWN_FIELD_CODES and any(mark in lowered for mark in SHARED_MARKERS)


def from_status(status: int | None, code: str | None, message: str) -> SyncError:
    """Our error for a refused request, from its HTTP status and Salesforce's code."""
    code = code or (f"HTTP_{status}" if status else "UNKNOWN_ERROR")
    if code == "INVALID_SESSION_ID" or status == 401:
        return SessionExpired(code, message or "the session is no longer valid")
    if is_retryable(code, status):
        return RetryableSyncError(code, message)
    return PermanentSyncError(code, message)


def translate(error: BaseException) -> SyncError:
    """Our error for anything simple-salesforce or requests raised; nothing vendor escapes."""
    if isinstance(error, SyncError):
        return error
    if isinstance(error, SalesforceError):
        code, message = first_error(error.content)
        return from_status(error.status, code, message)
    if isinstance(error, requests.exceptions.SSLError):
        return PermanentSyncError("SSL_ERROR", _describe(error))
    if isinstance(error, requests.exceptions.Timeout):
        return RetryableSyncError("TIMEOUT", _describe(error))
    if isinstance(error, requests.exceptions.ConnectionError):
        return RetryableSyncError("CONNECTION_ERROR", _describe(error))
    if isinstance(error, requests.exceptions.RequestException):
        return RetryableSyncError("BAD_RESPONSE", _describe(error))
    raise TypeError(f"not a Salesforce failure: {error!r}") from error


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text[:300]


TRANSLATED = (SalesforceError, requests.exceptions.RequestException)
