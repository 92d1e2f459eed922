"""`activity-sync rules add|list|remove|deliver`: signed notices when a written Task matches (R26)."""

from __future__ import annotations

import getpass
import os
from dataclasses import asdict
from typing import Any

import click
import orjson
from rich.console import Console
from rich.text import Text

from adapters.cli.config import Config
from adapters.notices.queue import SqlNoticeQueue
from adapters.notices.sender import SECRET_ENV, rules_secret
from domain.errors import BadInput, ConfigurationError
from domain.rule_conditions import ConditionError
from domain.rules import WHEN, check_rule
from projections.notifier import NotifyReport, add_rule, load_rules, remove_rule


@click.group("rules")
def rules() -> None:
    """Post a signed JSON notice when a written Task matches a condition.

    Conditions on the Name field (Name, Name.Email, Name.Id, Name.AccountId, Name.Type)
    judge the Task's primary contact only, never its other related contacts (R26).
    """


@rules.command("add")
@click.argument("name")
@click.option("--when", "when", required=True, help=f"The event: {', '.join(WHEN)}.")
@click.option("--where", "where", required=True, help="The condition, e.g. \"Type = 'sent'\".")
@click.option("--post", "url", required=True, help="The http(s) URL the notice is posted to.")
@click.option("--by", "added_by", default=None, help="Who adds it (default: cli:<login>).")
@click.pass_obj
def add(config: Config, name: str, when: str, where: str, url: str, added_by: str | None) -> None:
    """Add rule NAME: after a Task is written and WHERE holds, POST a notice to URL."""
    try:
        check_rule(name, when, where, url)
    except ConditionError as error:
        raise BadInput(f"bad --where condition: {error}\n{_indent(error.pointer())}") from None
    with config.runtime() as runtime:
        add_rule(runtime.app, name, when, where, url, added_by or _who())
    click.echo(f"rule {name} added: Tasks written from now on are judged")
    if not (os.environ.get(SECRET_ENV) or os.environ.get(f"{SECRET_ENV}_FILE")):
        click.echo(f"note: notices wait until {SECRET_ENV} is set (it signs them)", err=True)


@rules.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as one JSON document.")
@click.pass_obj
def list_(config: Config, as_json: bool) -> None:
    """Every rule with its condition, its URL and how its notices went."""
    with config.runtime() as runtime:
        found = sorted(load_rules(runtime.app).rules.values(), key=lambda rule: rule.name)
        counts = SqlNoticeQueue(runtime.app, runtime.views).counts_by_rule()
    document = {
        "rules": [
            {**rule.to_dict(), "notices": _counts(counts.get(rule.name, {}))} for rule in found
        ]
    }
    if as_json:
        click.echo(orjson.dumps(document).decode())
        return
    _print_list(document["rules"])


@rules.command("remove")
@click.argument("name")
@click.option("--by", "removed_by", default=None, help="Who removes it (default: cli:<login>).")
@click.pass_obj
def remove(config: Config, name: str, removed_by: str | None) -> None:
    """Remove rule NAME; its notices not yet delivered are not sent."""
    with config.runtime() as runtime:
        remove_rule(runtime.app, name, removed_by or _who())
    click.echo(f"rule {name} removed")


@rules.command("deliver")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as one JSON document.")
@click.option("--all", "everything", is_flag=True, help="Also notices waiting out a back-off.")
@click.pass_obj
def deliver(config: Config, as_json: bool, everything: bool) -> None:
    """Judge Tasks written since the last run and post pending notices now."""
    if not rules_secret(os.environ):
        raise ConfigurationError(
            f"{SECRET_ENV} is not set: set it (or {SECRET_ENV}_FILE) to the secret "
            "the receivers verify signatures with"
        )
    with config.runtime() as runtime:
        report = runtime.notifier().run(due_only=not everything)
    if as_json:
        click.echo(orjson.dumps(asdict(report)).decode())
    else:
        print_report(report, Console())
    if report.failures:
        raise SystemExit(1)


def print_report(report: NotifyReport, console: Console) -> None:
    """One line for a run of the notifier, then this run's failed attempts."""
    console.print(
        f"rules: {report.tasks_judged} written records judged, {report.raised} notices raised, "
        f"{report.delivered} delivered, {report.retrying} to retry, {report.failed} failed, "
        f"{report.waiting} waiting"
    )
    for failure in report.failures:
        retry = "will retry" if failure["retryable"] else "given up"
        console.print(
            f"  {failure['rule']} / {failure['sync_key']}: {failure['code']}: "
            f"{failure['message']} (attempt {failure['attempt']}, {retry})",
            markup=False,
        )


def _print_list(rows: list[dict[str, Any]]) -> None:
    console = Console()
    if not rows:
        console.print("No rules. Add one with `activity-sync rules add NAME --when ...`.")
        return
    console.print("Name conditions judge each Task's primary contact only (R26).\n")
    for row in rows:
        notices = row["notices"]
        console.print(Text(row["name"], style="bold"), Text(f"{row['when']} where {row['where']}"))
        console.print(Text(f"  posts to {row['url']}"))
        console.print(
            Text(
                f"  added {row['added_at'][:19]} by {row['added_by']}; notices: "
                f"{notices['delivered']} delivered, {notices['pending']} pending, "
                f"{notices['failed']} failed"
            )
        )


def _counts(found: dict[str, int]) -> dict[str, int]:
    return {state: found.get(state, 0) for state in ("delivered", "pending", "failed")}


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
