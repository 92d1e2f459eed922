"""`activity-sync explain`, `stats` and `views rebuild`: the audit read side (R21, R23)."""

from __future__ import annotations

import weakref
from typing import Any

import click
import orjson
from sqlalchemy import Engine

from adapters.cli.audit_render import print_explain, print_rebuild, print_stats
from adapters.cli.main import Config
from adapters.store.persistence import open_app
from adapters.views.queries import find, stats_facts
from adapters.views.task_view import catch_up, rebuild, view_engine
from domain.errors import NotFound
from domain.settings import SETTINGS_ID
from projections.application import ActivitySyncApp
from projections.explain import SettingsVersion, explain, settings_versions
from projections.stats import stats_document


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
    """Catch the view up, find what `ident` names, and explain it (raises NotFound)."""
    catch_up(app, engine)
    located = find(engine, ident)
    if located is None:
        raise NotFound(f"no Task, Event, sync key or activity matches '{ident}'")
    events = app.history(located.activity_uuid)
    return explain(events, ident, located.matched, located.sync_key, lambda v: cache.at(app, v))


def stats_for(app: ActivitySyncApp, engine: Engine) -> dict[str, Any]:
    """Catch the view up and count (R23)."""
    done = catch_up(app, engine)
    return stats_document(stats_facts(engine), app.settings().api_budget_percent, done.position)


def _echo_json(document: Any) -> None:
    click.echo(orjson.dumps(document).decode())


@click.command("explain")
@click.argument("ident", metavar="ID")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document (docs/explain-schema.json)."
)
@click.pass_obj
def explain_command(config: Config, ident: str, as_json: bool) -> None:
    """Why a Task looks like it does: ID is a Salesforce Task/Event id, a sync key or an activity id."""
    app = open_app(config.store)
    try:
        document = explain_document(app, view_engine(config.store), ident)
    finally:
        app.close()
    if as_json:
        _echo_json(document)
    else:
        print_explain(document)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def stats_command(config: Config, as_json: bool) -> None:
    """Activities, Tasks written, Tasks avoided by sharing, failures, rejected input, API use."""
    app = open_app(config.store)
    try:
        document = stats_for(app, view_engine(config.store))
    finally:
        app.close()
    if as_json:
        _echo_json(document)
    else:
        print_stats(document)


@click.group("views")
def views_group() -> None:
    """The audit read model (the task view) kept in the store's database."""


@views_group.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="Print what the rebuild did as JSON.")
@click.pass_obj
def rebuild_command(config: Config, as_json: bool) -> None:
    """Drop the task view and rebuild it from the whole event log."""
    app = open_app(config.store)
    try:
        done = rebuild(app, view_engine(config.store))
    finally:
        app.close()
    document = {
        "processed": done.processed,
        "position": done.position,
        "seconds": round(done.seconds, 3),
        "per_second": round(done.rate),
    }
    if as_json:
        _echo_json(document)
    else:
        print_rebuild(document)
