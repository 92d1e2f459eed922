"""Posts rule notices over HTTP with requests: a JSON body signed with HMAC-SHA256 (R26).

Header `X-Activity-Sync-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed
with ACTIVITY_SYNC_RULES_SECRET (or the file ACTIVITY_SYNC_RULES_SECRET_FILE names).
2xx is delivered; 5xx, 408, 429, time-outs and connection errors are retryable; any
other answer is a permanent refusal. Messages never carry the secret, nor the URL
(which may hold a token of the receiver's).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import orjson
import requests

from adapters.salesforce.connect import secret
from projections.ports import DeliveryResult, NoticeSender

SECRET_ENV = "ACTIVITY_SYNC_RULES_SECRET"
SIGNATURE_HEADER = "X-Activity-Sync-Signature"
RETRYABLE_STATUS = (408, 429)
DEFAULT_TIMEOUT = 10.0


def encode(body: Mapping[str, Any]) -> bytes:
    """The exact bytes posted (and signed): compact JSON, keys sorted."""
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def sign(raw: bytes, key: str) -> str:
    """The signature header's value for a raw body."""
    return "sha256=" + hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()


def verify(raw: bytes, header: str | None, key: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return header is not None and hmac.compare_digest(sign(raw, key), header)


def rules_secret(env: Mapping[str, str]) -> str | None:
    """The signing secret from the environment (or its _FILE), None when not set."""
    return secret(env, SECRET_ENV)


class HttpNoticeSender(NoticeSender):
    """One POST per attempt, with a time-out; the answer becomes a DeliveryResult."""

    def __init__(
        self,
        key: str,
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self._key = key
        self.timeout = timeout
        self.session = session or requests.Session()

    def __repr__(self) -> str:
        return f"HttpNoticeSender(timeout={self.timeout})"

    def send(self, url: str, body: Mapping[str, object], attempt: int) -> DeliveryResult:
        raw = encode(body)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(raw, self._key),
            "X-Activity-Sync-Notice": str(body.get("notice_id", "")),
            "X-Activity-Sync-Attempt": str(attempt),
            "User-Agent": "activity-sync-rules",
        }
        return post(self.session, url, raw, headers, self.timeout)


def post(
    session: requests.Session, url: str, raw: bytes, headers: dict[str, str], timeout: float
) -> DeliveryResult:
    """POST a signed body; every way it can end becomes a DeliveryResult (retryable or not)."""
    try:
        response = session.post(
            url, data=raw, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        return DeliveryResult(False, None, "timeout", f"no answer within {timeout:g}s", True)
    except requests.ConnectionError as error:
        reason = type(error).__name__
        return DeliveryResult(False, None, "connection", f"could not connect ({reason})", True)
    except requests.RequestException as error:
        return DeliveryResult(False, None, "request", type(error).__name__, False)
    return _result(response)


def _result(response: requests.Response) -> DeliveryResult:
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryResult(True, status)
    retryable = status >= 500 or status in RETRYABLE_STATUS
    reason = (response.reason or "").strip()
    message = f"the receiver answered {status}" + (f" {reason}" if reason else "")
    return DeliveryResult(False, status, f"http_{status}", message, retryable)
