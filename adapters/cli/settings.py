"""`activity-sync settings show|set|history`: the engine's settings as events (R16, R17)."""

from __future__ import annotations

import getpass
from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.alerts import set_alert
from adapters.cli.config import Config
from adapters.cli.layout import is_narrow, prose_column
from adapters.cli.zone import local_time, zone_label
from adapters.views.settings_documents import history_rows, show_document
from domain.alert_settings import ALERT_KEYS
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
@click.option(
    "--json", "as_json", is_flag=True, help="Print the change and the new settings as JSON."
)
@click.pass_obj
def set_(config: Config, key: str, value: str, changed_by: str | None, as_json: bool) -> None:
    """Change KEY to VALUE (lists are comma-separated: `settings set excluded a.example,b@c.example`)."""
    key = key.strip().replace("-", "_")
    if key in ALERT_KEYS:  # the alert settings, kept apart (adapters/cli/alerts.py)
        set_alert(config, key, value, changed_by)
        return
    parse_setting(key, value)  # refuses bad keys and values before the store is touched
    with config.runtime() as runtime:
        app = runtime.app
        before = app.settings()
        after = app.change_setting(key, value, changed_by or _who())
        rows = history_rows(app.settings_history()) if as_json else []
    old, new = _shown(getattr(before, key)), _shown(getattr(after, key))
    if as_json:
        change = {"key": key, "old": getattr(before, key), "new": getattr(after, key)}
        document = {"changed": old != new, "change": change, **show_document(after, rows)}
        click.echo(orjson.dumps(document).decode())
    elif old == new:
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
    console = Console(soft_wrap=False)
    defaults = not is_narrow(console.width)  # below 80 columns, `*` alone marks a change
    table = Table(title=f"Settings (version {document['version']})")
    table.add_column("setting", no_wrap=True)  # a key is typed back into `settings set`
    prose_column(table, "value")
    if defaults:
        prose_column(table, "default")
    for key, value in document["settings"].items():
        default = document["defaults"][key]
        marker = "" if value == default else " *"
        cells = [Text(key), Text(_shown(value) + marker)]
        table.add_row(*cells, *([Text(_shown(default))] if defaults else []))
    console.print(table)
    if not defaults:
        console.print(Text("* differs from the default (`settings show --json` lists them)"))
    org = document["org_shared_activities"]
    org_state = "unknown (not read yet)" if org is None else ("enabled" if org else "disabled")
    if document["org_observed"]:
        observed = document["org_observed"]
        org_state += f", {observed['by']} at {local_time(observed['at'], True)}"
    in_effect = "yes" if document["shared_activities_in_effect"] else "no"
    console.print(Text(f"shared activities in effect: {in_effect} (R17)"))
    console.print(Text(f"org's shared activities setting: {org_state}"))


def _print_history(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("No settings changes yet; the defaults are in force.")
        return
    console = Console(soft_wrap=False, highlight=False)
    if is_narrow(console.width):
        _print_history_stacked(console, rows)
        return
    narrow = is_narrow(console.width, 100)  # "by" joins the change below 100 columns
    table = Table(title="Settings history (one row per version)")
    table.add_column("version", no_wrap=True, justify="right")
    table.add_column(f"at ({zone_label()})", no_wrap=True)
    prose_column(table, "change" if not narrow else "change, by whom")
    if not narrow:
        prose_column(table, "by")
    for row in rows:
        cells = [str(row["version"]), local_time(row["at"]), _change(row)]
        if narrow:
            cells[2] += f" (by {row['by']})"
        table.add_row(*(Text(c) for c in cells), *([Text(row["by"])] if not narrow else []))
    console.print(table)


def _change(row: dict[str, Any]) -> str:
    if not row["key"]:
        return "defaults"
    return f"{row['key']}: {_shown(row['old'])} -> {_shown(row['new'])}"


def _print_history_stacked(console: Console, rows: list[dict[str, Any]]) -> None:
    """Below 80 columns, two lines a version, so a long value keeps its words whole."""
    console.print(Text(f"Settings history (times in {zone_label()})", style="bold"))
    for row in rows:
        console.print(Text(f"v{row['version']}  {local_time(row['at'])}  by {row['by']}"))
        console.print(Text(f"  {_change(row)}"))
