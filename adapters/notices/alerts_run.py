"""Wires the alerter to the store (the SQL queue, the HTTP sender) and runs it after a sync round."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.notices.alert_queue import SqlAlertQueue
from adapters.notices.alert_sender import HttpAlertSender
from adapters.store.persistence import StoreLocation
from adapters.store.sql import engine_for
from projections.alerter import Alerter, AlertOptions, AlertReport, AlertSender
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
