"""The read side's documents: explain, stats, settings and their history (R16, R21, R23).

The CLI, the console and the demo all show these same documents; each is built here
from the store (the event log and the task view), never from the org.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine

from adapters.views.lagging import locate
from adapters.views.queries import stats_facts
from adapters.views.task_view import catch_up
from domain.errors import NotFound
from domain.settings import SETTABLE, SETTINGS_ID, OrgSettings, Settings
from projections.application import ActivitySyncApp
from projections.explain import SettingsVersion, explain, settings_versions
from projections.stats import stats_document

OBSERVED_KEY = "org_shared_activities"


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
    app: ActivitySyncApp, engine: Engine, ident: str, cache: SettingsCache = SETTINGS
) -> dict[str, Any]:
    """Find what `ident` names and explain it from its activity's events (raises NotFound);
    a view that lags the log is not waited for (adapters/views/lagging.py)."""
    located = locate(app, engine, ident)
    if located is None:
        raise NotFound(f"no Task, Event, sync key or activity matches '{ident}'")
    events = app.history(located.activity_uuid)
    return explain(events, ident, located.matched, located.sync_key, lambda v: cache.at(app, v))


def stats_for(app: ActivitySyncApp, engine: Engine) -> dict[str, Any]:
    """Catch the view up and count (R23)."""
    done = catch_up(app, engine)
    return stats_document(stats_facts(engine), app.settings().api_budget_percent, done.position)


def history_rows(events: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per settings version, with the value before and after the change."""
    values = Settings().to_dict()
    rows = []
    for event in events:
        key, new, by = _change_of(event)
        old = values.get(key) if key else None
        if key:
            values[key] = new
        rows.append(
            {
                "version": event.originator_version,
                "at": event.timestamp.isoformat(timespec="seconds"),
                "event": type(event).__name__,
                "key": key,
                "old": old,
                "new": new,
                "by": by,
            }
        )
    return rows


def _change_of(event: Any) -> tuple[str | None, Any, str]:
    if isinstance(event, OrgSettings.Changed):
        return event.key, event.value, event.changed_by
    if isinstance(event, OrgSettings.SharedActivitiesObserved):
        return OBSERVED_KEY, event.enabled, f"observed in the org ({event.source})"
    if isinstance(event, OrgSettings.Created):
        return None, None, "-"
    return None, None, type(event).__name__


def show_document(current: Settings, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data = current.to_dict()
    defaults = Settings().to_dict()
    observed = next((row for row in reversed(rows) if row["key"] == OBSERVED_KEY), None)
    return {
        "version": current.version,
        "settings": {key: data[key] for key in SETTABLE},
        "defaults": {key: defaults[key] for key in SETTABLE},
        "shared_activities_in_effect": current.shared_in_effect,
        "org_shared_activities": current.org_shared_activities,
        "org_observed": {"at": observed["at"], "by": observed["by"]} if observed else None,
    }
