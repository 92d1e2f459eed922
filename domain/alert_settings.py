"""Where and when the admin is alerted: the alert settings and their history (who changed what).

Kept apart from the planning settings (`domain.settings`): changing where alerts go is no
new settings version, so it never makes a replay plan stale nor changes how Tasks look.
The signing secret is never a setting: it comes from ACTIVITY_SYNC_ALERT_SECRET.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.domain import Aggregate

from domain.errors import BadSetting

ALERT_SETTINGS_ID = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:alert-settings")
FORMATS = ("generic", "slack")


@dataclass(frozen=True)
class AlertConfig:
    """The alert settings in force; `url` empty means alerts are off."""

    alert_url: str = ""
    alert_format: str = "generic"
    alert_failures: int = 10  # a spike: this many records refused for good ...
    alert_window_minutes: int = 60  # ... within this many minutes

    @property
    def enabled(self) -> bool:
        return bool(self.alert_url)

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert_url": self.alert_url,
            "alert_format": self.alert_format,
            "alert_failures": self.alert_failures,
            "alert_window_minutes": self.alert_window_minutes,
        }


_ENV_NAME = re.compile(r"^env:[A-Z_][A-Z0-9_]{0,99}$")


def _url(value: str) -> str:
    """An address, or `env:NAME`: the address is then read from that environment variable
    when an alert is sent, so an address that is itself a secret (a Slack webhook's) is
    never stored in an event."""
    text = value.strip()
    if not text or _ENV_NAME.match(text):
        return text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            'expected an http:// or https:// address, env:NAME, or "" to turn alerts off'
        )
    return text


def _format(value: str) -> str:
    lowered = value.strip().lower()
    if lowered not in FORMATS:
        raise ValueError("expected one of " + ", ".join(FORMATS))
    return lowered


def _whole(low: int, high: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return number

    return parse


ALERT_KEYS: dict[str, Any] = {
    "alert_url": _url,
    "alert_format": _format,
    "alert_failures": _whole(1, 100_000),
    "alert_window_minutes": _whole(1, 10_080),
}


def parse_alert_setting(key: str, raw: str) -> Any:
    if key not in ALERT_KEYS:
        raise BadSetting(f"unknown alert setting '{key}'; valid: {', '.join(ALERT_KEYS)}")
    try:
        return ALERT_KEYS[key](raw)
    except ValueError as error:
        raise BadSetting(f"bad value for {key}: {error}") from None


def shown_url(url: str) -> str:
    """An alert address as output shows it: scheme and host only (its path may be a secret,
    as a Slack webhook's is)."""
    if not url or url.startswith("env:"):
        return url
    parts = urlsplit(url)
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{rest}"


class AlertSettings(Aggregate):
    """The alert settings' history: every change names who made it."""

    TOPIC = "activity_sync:AlertSettings"

    class Created(Aggregate.Created):
        TOPIC = "activity_sync:AlertSettings.Created"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:AlertSettings.Event"

        def apply(self, aggregate: AlertSettings) -> None:
            aggregate.apply(self)

    class AlertSettingChanged(Event):
        TOPIC = "activity_sync:AlertSettings.AlertSettingChanged"
        key: str
        value: Any
        changed_by: str

    def __init__(self) -> None:
        self.config = AlertConfig()

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator: a change sets one value."""
        if isinstance(event, AlertSettings.AlertSettingChanged):
            self.config = replace(self.config, **{event.key: event.value})

    @classmethod
    def create(cls) -> AlertSettings:
        return cls._create(cls.Created, id=ALERT_SETTINGS_ID)

    def change(self, key: str, raw: str, changed_by: str) -> bool:
        """Change one value (validated); False when it already had it."""
        value = parse_alert_setting(key, raw)
        if getattr(self.config, key) == value:
            return False
        self.trigger_event(self.AlertSettingChanged, key=key, value=value, changed_by=changed_by)
        return True
