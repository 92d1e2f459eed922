"""`activity-sync alerts`: where alerts go, their history, and what was raised and sent.

The keys (`alert_url`, `alert_format`, `alert_failures`, `alert_window_minutes`) are set
with `alerts set` or `settings set`; alerts themselves go out after every sync round.
"""

from __future__ import annotations

import getpass

import click
import orjson

from adapters.cli.config import Config
from adapters.notices.alert_history import alert_history, shown_value
from adapters.notices.alerts_run import send_alerts
from domain.alert_settings import (
    ALERT_KEYS,
    shown_url,
)
from projections.alerter import alert_config, change_alert_setting


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def set_alert(config: Config, key: str, value: str, changed_by: str | None) -> None:
    """`alerts set` and `settings set alert_*`: change one key, say what changed."""
    with config.runtime() as runtime:
        before = alert_config(runtime.app)
        changed = change_alert_setting(runtime.app, key, value, changed_by or _who())
        after = alert_config(runtime.app)
    old, new = shown_value(key, getattr(before, key)), shown_value(key, getattr(after, key))
    click.echo(f"{key}: {old} -> {new}" if changed else f"{key} is already {new}; nothing changed")


@click.group("alerts")
def alerts() -> None:
    """Alerts to the admin: refusal spikes, budget pauses, expired sessions, shared activities changes."""


@alerts.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def show(config: Config, as_json: bool) -> None:
    """The alert settings in force (an address is shown by its host only)."""
    with config.reader() as runtime:
        current = alert_config(runtime.app).to_dict()
    document = {**current, "alert_url": shown_url(current["alert_url"])}
    if as_json:
        click.echo(orjson.dumps(document).decode())
        return
    for key, value in document.items():
        click.echo(f"{key}: {value if value != '' else '(off)'}")


@alerts.command("set")
@click.argument("key", type=click.Choice(list(ALERT_KEYS)))
@click.argument("value")
@click.option("--by", "changed_by", default=None, help="Who changes it (default: cli:<login>).")
@click.pass_obj
def set_(config: Config, key: str, value: str, changed_by: str | None) -> None:
    """Change one alert setting (`alert_url ""` turns alerts off)."""
    set_alert(config, key, value, changed_by)


@alerts.command("history")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def history(config: Config, as_json: bool) -> None:
    """Every change of the alert settings: when, what, by whom."""
    with config.reader() as runtime:
        rows = alert_history(runtime.app)
    if as_json:
        click.echo(orjson.dumps({"changes": rows}).decode())
        return
    for row in rows:
        click.echo(f"{row['at']}  {row['key']}: {row['old']} -> {row['new']}  by {row['by']}")


@alerts.command("send")
@click.option("--json", "as_json", is_flag=True, help="Print what was raised and sent as JSON.")
@click.pass_obj
def send(config: Config, as_json: bool) -> None:
    """Raise and send due alerts now (every sync round does this too); exit 1 if any failed."""
    with config.runtime() as runtime:
        report = send_alerts(runtime.app, runtime.location, runtime.env)
    document = {
        "raised": report.raised,
        "delivered": report.delivered,
        "retrying": report.retrying,
        "failed": report.failed,
        "waiting": report.waiting,
        "problem": report.problem,
        "failures": report.failures,
    }
    if as_json:
        click.echo(orjson.dumps(document).decode())
    else:
        counts = ", ".join(f"{n} {k}" for k, n in document.items() if isinstance(n, int))
        click.echo(f"alerts: {counts}")
        if report.problem:
            click.echo(f"alerts wait unsent: {report.problem}", err=True)
        for failure in report.failures:
            click.echo(
                f"  {failure['kind']} attempt {failure['attempt']}: {failure['message']}", err=True
            )
    if report.failed or report.retrying:
        raise SystemExit(1)
