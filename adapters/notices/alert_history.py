"""The alert settings' history as the CLI and the console show it (addresses by host only)."""

from __future__ import annotations

from typing import Any

from domain.alert_settings import ALERT_SETTINGS_ID, AlertConfig, AlertSettings, shown_url
from projections.application import ActivitySyncApp


def shown_value(key: str, value: Any) -> str:
    if key == "alert_url":
        return shown_url(str(value)) or "(off)"
    return str(value)


def alert_history(app: ActivitySyncApp) -> list[dict[str, Any]]:
    """Every alert setting change: when, what, old and new (addresses shown by host), by whom."""
    values: dict[str, Any] = {}
    rows = []
    for event in app.events.get(ALERT_SETTINGS_ID):
        if isinstance(event, AlertSettings.AlertSettingChanged):
            old = values.get(event.key, getattr(AlertConfig(), event.key))
            values[event.key] = event.value
            rows.append(
                {
                    "at": event.timestamp.isoformat(timespec="seconds"),
                    "key": event.key,
                    "old": shown_value(event.key, old),
                    "new": shown_value(event.key, event.value),
                    "by": event.changed_by,
                }
            )
    return rows
