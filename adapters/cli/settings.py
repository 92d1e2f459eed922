"""`activity-sync settings show|set|history`: the engine's settings as events (R16, R17)."""

from __future__ import annotations

import getpass
from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.config import Config
from adapters.views.settings_documents import history_rows, show_document
from domain.settings import parse_setting


@click.group("settings")
def settings() -> None:
    """Show, change and trace the engine's settings (every change is a new version, R16)."""


@settings.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as one JSON document.")
@click.pass_obj
def show(config: Config, as_json: bool) -> None:
    """Every setting with its value, the settings version, and whether sharing is in effect."""
    with config.reader() as runtime:
        app = runtime.app
        current = app.settings()
        rows = history_rows(app.settings_history())
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
    with config.runtime() as runtime:
        app = runtime.app
        before = app.settings()
        after = app.change_setting(key, value, changed_by or _who())
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
    with config.reader() as runtime:
        rows = history_rows(runtime.app.settings_history())
    if as_json:
        click.echo(orjson.dumps({"versions": rows}).decode())
        return
    _print_history(rows)


# Shaping (pure) ------------------------------------------------------------------------


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
