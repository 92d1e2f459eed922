"""Sends alerts over HTTP: a generic JSON webhook signed with HMAC-SHA256, or Slack's `{"text": ...}`.

Generic: `X-Activity-Sync-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with
ACTIVITY_SYNC_ALERT_SECRET (or the file ACTIVITY_SYNC_ALERT_SECRET_FILE names); without
it a generic alert waits unsent. Slack: the body an incoming webhook accepts, signed too
when the secret is set. `alert_url` may be `env:NAME`, read from the environment here.
2xx is delivered; 5xx, 408, 429, time-outs and connection errors are retried; any other
answer fails for good. Messages never carry the secret nor the address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from adapters.notices.sender import SIGNATURE_HEADER, encode, post, sign
from adapters.salesforce.connect import secret
from domain.alert_settings import AlertConfig
from domain.alerts import Alert
from projections.alerter import AlertSender
from projections.ports import DeliveryResult

SECRET_ENV = "ACTIVITY_SYNC_ALERT_SECRET"
DEFAULT_TIMEOUT = 10.0
ICONS = {
    "failure_spike": ":rotating_light:",
    "budget_paused": ":hourglass:",
    "session_expired": ":lock:",
    "shared_activities_changed": ":busts_in_silhouette:",
}


def body_of(alert: Alert, form: str) -> dict[str, Any]:
    """What is posted for an alert in a format: generic (every field) or slack (`text`)."""
    if form == "slack":
        icon = ICONS.get(alert.kind, ":warning:")
        return {"text": f"{icon} activity-sync: {alert.summary} ({alert.happened_at})"}
    return {
        "alert_id": str(alert.id),
        "kind": alert.kind,
        "summary": alert.summary,
        "detail": alert.detail,
        "happened_at": alert.happened_at,
        "source": "activity-sync",
    }


def alert_secret(env: Mapping[str, str]) -> str | None:
    return secret(env, SECRET_ENV)


class HttpAlertSender(AlertSender):
    """One POST per attempt, with a time-out; the answer becomes a DeliveryResult."""

    def __init__(
        self,
        env: Mapping[str, str],
        timeout: float = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self._env = env
        self._key = alert_secret(env)
        self.timeout = timeout
        self.session = session or requests.Session()

    def __repr__(self) -> str:
        return f"HttpAlertSender(timeout={self.timeout})"

    def problem(self, config: AlertConfig) -> str | None:
        if self._address(config.alert_url) is None:
            return f"{config.alert_url.removeprefix('env:')} is not set (alert_url names it)"
        if self._key is None and config.alert_format == "generic":
            return f"{SECRET_ENV} is not set: a generic alert is always signed"
        return None

    def send(self, alert: Alert, config: AlertConfig, attempt: int) -> DeliveryResult:
        url = self._address(config.alert_url)
        if url is None:
            return DeliveryResult(False, None, "no_address", "the alert address is not set", True)
        raw = encode(body_of(alert, config.alert_format))
        headers = {
            "Content-Type": "application/json",
            "X-Activity-Sync-Alert": str(alert.id),
            "X-Activity-Sync-Attempt": str(attempt),
            "User-Agent": "activity-sync-alerts",
        }
        if self._key is not None:
            headers[SIGNATURE_HEADER] = sign(raw, self._key)
        return post(self.session, url, raw, headers, self.timeout)

    def _address(self, setting: str) -> str | None:
        if setting.startswith("env:"):
            return self._env.get(setting.removeprefix("env:")) or None
        return setting or None
