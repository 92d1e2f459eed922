"""`activity-sync settings show|set|history`: the engine's settings as events (R16, R17)."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.main import Config
from adapters.store.persistence import open_app
from domain.settings import SETTABLE, OrgSettings, Settings, parse_setting

OBSERVED_KEY = "org_shared_activities"


@click.group("settings")
def settings() -> None:
    """Show, change and trace the engine's settings (every change is a new version, R16)."""


@settings.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as one JSON document.")
@click.pass_obj
def show(config: Config, as_json: bool) -> None:
    """Every setting with its value, the settings version, and whether sharing is in effect."""
    app = open_app(config.store)
    try:
        current = app.settings()
        rows = history_rows(app.settings_history())
    finally:
        app.close()
    document = show_document(current, rows)
    if as_json:
        click.echo(orjson.dumps(document).decode())
        return
    _print_show(document)


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--by", "changed_by", default=None, help="Who changes it (default: cli:<login>).")
@click.pass_obj
def set_(config: Config, key: str, value: str, changed_by: str | None) -> None:
    """Change KEY to VALUE (lists are comma-separated: `settings set excluded a.example,b@c.example`)."""
    key = key.strip().replace("-", "_")
    parse_setting(key, value)  # refuses bad keys and values before the store is touched
    app = open_app(config.store)
    try:
        before = app.settings()
        after = app.change_setting(key, value, changed_by or _who())
    finally:
        app.close()
    old, new = _shown(getattr(before, key)), _shown(getattr(after, key))
    if old == new:
        click.echo(f"{key} is already {new}; nothing changed (settings version {after.version})")
    else:
        click.echo(f"{key}: {old} -> {new} (settings version {after.version})")


@settings.command("history")
@click.option("--json", "as_json", is_flag=True, help="Print every version as one JSON document.")
@click.pass_obj
def history(config: Config, as_json: bool) -> None:
    """Every settings version: when, what changed, by whom or observed from where (R16, R17)."""
    app = open_app(config.store)
    try:
        rows = history_rows(app.settings_history())
    finally:
        app.close()
    if as_json:
        click.echo(orjson.dumps({"versions": rows}).decode())
        return
    _print_history(rows)


# Shaping (pure) ------------------------------------------------------------------------


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


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(value) if value else "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "unknown"
    return str(value)


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


# Human output --------------------------------------------------------------------------


def _print_show(document: dict[str, Any]) -> None:
    table = Table(title=f"Settings (version {document['version']})")
    for column in ("setting", "value", "default"):
        table.add_column(column, overflow="fold")
    for key, value in document["settings"].items():
        default = document["defaults"][key]
        marker = "" if value == default else " *"
        table.add_row(Text(key), Text(_shown(value) + marker), Text(_shown(default)))
    Console(soft_wrap=False).print(table)
    org = document["org_shared_activities"]
    org_state = "unknown (not read yet)" if org is None else ("enabled" if org else "disabled")
    if document["org_observed"]:
        org_state += f", {document['org_observed']['by']} at {document['org_observed']['at']}"
    in_effect = "yes" if document["shared_activities_in_effect"] else "no"
    click.echo(f"shared activities in effect: {in_effect} (R17)")
    click.echo(f"org's shared activities setting: {org_state}")


def _print_history(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("No settings changes yet; the defaults are in force.")
        return
    table = Table(title="Settings history (one row per version)")
    for column in ("version", "at", "change", "by"):
        table.add_column(column, overflow="fold")
    for row in rows:
        change = (
            f"{row['key']}: {_shown(row['old'])} -> {_shown(row['new'])}"
            if row["key"]
            else "defaults"
        )
        table.add_row(Text(str(row["version"])), Text(row["at"]), Text(change), Text(row["by"]))
    Console(soft_wrap=False).print(table)
