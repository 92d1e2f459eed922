"""Wires the rules' notifier to the store: the SQL queue, the HTTP sender, the app (R26)."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.notices.alerts_run import send_alerts
from adapters.notices.queue import SqlNoticeQueue
from adapters.notices.sender import HttpNoticeSender, rules_secret
from adapters.store.persistence import StoreLocation
from adapters.store.sql import engine_for
from projections.application import ActivitySyncApp
from projections.notifier import Notifier, NotifierOptions, NotifyReport, load_rules
from projections.ports import NoticeSender


def notifier_for(
    app: ActivitySyncApp,
    location: StoreLocation,
    env: Mapping[str, str],
    *,
    sender: NoticeSender | None = None,
    options: NotifierOptions | None = None,
) -> Notifier:
    """The notifier on this store; the sender is the HTTP one when the secret is set, else none."""
    if sender is None:
        key = rules_secret(env)
        sender = HttpNoticeSender(key) if key else None
    return Notifier(app, SqlNoticeQueue(app, engine_for(location)), sender, options)


def notify_after_sync(
    app: ActivitySyncApp, location: StoreLocation, env: Mapping[str, str]
) -> NotifyReport | None:
    """What `sync` runs at its end: the admin's alerts, then the rules (None while no rule exists)."""
    send_alerts(app, location, env)
    if not load_rules(app).rules:
        return None
    return notifier_for(app, location, env).run()
