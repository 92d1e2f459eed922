"""Wires the alerter to the store (the SQL queue, the HTTP sender) and runs it after a sync round."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime

from eventsourcing.persistence import IntegrityError

from adapters.notices.alert_queue import SqlAlertQueue
from adapters.notices.alert_sender import HttpAlertSender
from adapters.store.persistence import StoreLocation
from adapters.store.sql import engine_for
from domain.alerts import Alert
from projections.alerter import Alerter, AlertOptions, AlertReport, AlertSender, alert_config
from projections.application import ActivitySyncApp


def alerter_for(
    app: ActivitySyncApp,
    location: StoreLocation,
    env: Mapping[str, str],
    *,
    sender: AlertSender | None = None,
    options: AlertOptions | None = None,
) -> Alerter:
    sender = sender or HttpAlertSender(env)
    return Alerter(app, SqlAlertQueue(app, engine_for(location)), sender, options)


def send_alerts(
    app: ActivitySyncApp, location: StoreLocation, env: Mapping[str, str]
) -> AlertReport:
    """Judge the log since the last run, then send what is due (R25, R17 events)."""
    return alerter_for(app, location, env).run()


def alert_refused_session(
    app: ActivitySyncApp, location: StoreLocation, env: Mapping[str, str], sentence: str
) -> AlertReport | None:
    """The org refused the session before a run could start (no event in the log says so):
    raise `session_expired` at most once a UTC day, and send what is due. None while
    alerts are off."""
    if not alert_config(app).enabled:
        return None
    today = datetime.now(UTC).date().isoformat()
    alert = Alert.raise_alert(
        "session_expired",
        f"start:{today}",
        "Sync cannot start: the org refused the session (INVALID_SESSION_ID); set fresh credentials.",
        {"message": sentence},
        datetime.now(UTC).isoformat(),
    )
    queue = SqlAlertQueue(app, engine_for(location))
    with contextlib.suppress(IntegrityError):  # raised already today
        app.save(alert)
    queue.add(alert.id)
    return alerter_for(app, location, env).run()
