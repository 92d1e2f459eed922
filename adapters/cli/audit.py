"""`activity-sync explain`, `stats` and `views rebuild`: the audit read side (R21, R23)."""

from __future__ import annotations

from typing import Any

import click
import orjson

from adapters.cli.audit_render import print_explain, print_rebuild, print_stats
from adapters.cli.config import Config
from adapters.cli.trends_render import print_days
from adapters.views import recipient_view, record_names
from adapters.views.daily_trends import check_days, daily
from adapters.views.daily_trends import rebuild as rebuild_trends
from adapters.views.documents import explain_document, stats_for
from adapters.views.task_view import rebuild


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
    with config.reader() as runtime:
        document = explain_document(
            runtime.app, runtime.views, ident, instance_url=runtime.salesforce_url
        )
    if as_json:
        _echo_json(document)
    else:
        print_explain(document)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Also the last N UTC days, one row each (1..366): synced, failed, API calls, avoided.",
)
@click.pass_obj
def stats_command(config: Config, as_json: bool, days: int | None) -> None:
    """Activities, Tasks written, Tasks avoided by sharing, failures, rejected input, API use."""
    if days is not None:
        check_days(days)
    with config.reader() as runtime:
        document = stats_for(runtime.app, runtime.views)
        if days is not None:
            document["days"] = daily(runtime.app, runtime.views, days)
    if as_json:
        _echo_json(document)
    else:
        print_stats(document)
        if days is not None:
            print_days(document["days"])


@click.group("views")
def views_group() -> None:
    """The audit read model (the task view) kept in the store's database."""


@views_group.command("rebuild")
@click.option("--json", "as_json", is_flag=True, help="Print what the rebuild did as JSON.")
@click.pass_obj
def rebuild_command(config: Config, as_json: bool) -> None:
    """Drop the task view, the recipients view, the names index and the daily trends and
    rebuild them from the whole event log."""
    with config.reader() as runtime:
        done = rebuild(runtime.app, runtime.views)
        recipient_view.rebuild(runtime.app, runtime.views)
        record_names.rebuild(runtime.app, runtime.views)
        rebuild_trends(runtime.app, runtime.views)
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
