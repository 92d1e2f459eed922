"""What the CLI and the console show about alerts: settings, their history, alerts by state.

An address is shown by its host only (its path may be a secret, as a Slack webhook's is).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from adapters.notices.alert_queue import alert_rows, create_tables
from domain.alert_settings import (
    ALERT_KEYS,
    ALERT_SETTINGS_ID,
    AlertConfig,
    AlertSettings,
    shown_url,
)
from projections.alerter import alert_config
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


def alert_panel(app: ActivitySyncApp, views: Engine) -> dict[str, Any]:
    """The settings (address by host), the keys, the history newest first, alerts by state."""
    config = alert_config(app).to_dict()
    create_tables(views)
    with views.connect() as connection:
        query = select(alert_rows.c.state, func.count()).group_by(alert_rows.c.state)
        counts = {state: int(n) for state, n in connection.execute(query)}
    return {
        "settings": {**config, "alert_url": shown_url(config["alert_url"])},
        "keys": list(ALERT_KEYS),
        "history": list(reversed(alert_history(app))),
        "alerts": {s: counts.get(s, 0) for s in ("pending", "delivered", "failed")},
    }
