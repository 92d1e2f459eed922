"""The read side's documents: explain, stats, settings and their history (R16, R21, R23).

The CLI, the console and the demo all show these same documents; each is built here
from the store (the event log and the task view), never from the org. The settings documents live in `settings_documents` (they need no SQL)
and are re-exported here.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Engine

from adapters.views.lagging import locate
from adapters.views.queries import stats_facts
from adapters.views.recipient_queries import recipients_document
from adapters.views.settings_documents import history_rows, show_document
from adapters.views.task_view import catch_up
from domain.errors import NotFound
from domain.settings import SETTINGS_ID
from projections.application import ActivitySyncApp
from projections.explain import SettingsVersion, explain, settings_versions
from projections.explain.links import with_links
from projections.stats import stats_document

__all__ = ["explain_document", "history_rows", "show_document", "stats_for"]


class SettingsCache:
    """OrgSettings versions, read once per application; an unseen version re-reads the history."""

    def __init__(self) -> None:
        self._by_app: weakref.WeakKeyDictionary[ActivitySyncApp, dict[int, SettingsVersion]] = (
            weakref.WeakKeyDictionary()
        )

    def at(self, app: ActivitySyncApp, version: int) -> SettingsVersion | None:
        known = self._by_app.get(app)
        if version > 0 and (known is None or version not in known):
            known = settings_versions(app.events.get(SETTINGS_ID))
            self._by_app[app] = known
        return (known or {}).get(version)


SETTINGS = SettingsCache()


def explain_document(
    app: ActivitySyncApp,
    engine: Engine,
    ident: str,
    cache: SettingsCache = SETTINGS,
    instance_url: str | None = None,
) -> dict[str, Any]:
    """Find what `ident` names and explain it from its activity's events (raises NotFound),
    with links into the org at `instance_url` when one is configured; a view that lags the
    log is not waited for (adapters/views/lagging.py)."""
    located = locate(app, engine, ident)
    if located is None:
        raise NotFound(f"no Task, Event, sync key or activity matches '{ident}'")
    events = app.history(located.activity_uuid)
    document = explain(events, ident, located.matched, located.sync_key, lambda v: cache.at(app, v))
    return with_links(document, instance_url)


def stats_for(app: ActivitySyncApp, engine: Engine) -> dict[str, Any]:
    """Catch the view up and count (R23)."""
    done = catch_up(app, engine)
    document = stats_document(stats_facts(engine), app.settings().api_budget_percent, done.position)
    return document | recipients_document(app, engine)  # why wasn't it logged
