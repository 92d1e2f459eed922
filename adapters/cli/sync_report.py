"""How `sync` reports a round: the summary table, or with `--follow` one timestamped line per
round that did something and nothing when idle."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import click
import orjson
from rich.console import Console
from rich.table import Table

from adapters.cli.zone import local_time
from projections.notifier import NotifyReport
from projections.worker import SyncSummary


def did_something(summary: SyncSummary) -> bool:
    """A round that touched an activity, wrote, refused, deleted or paused."""
    counts = (
        summary.activities,
        summary.tasks_written,
        summary.events_written,
        summary.records_failed,
        summary.deleted,
        summary.replanned,
    )
    return any(counts) or summary.paused is not None


def rules_did_something(report: NotifyReport | None) -> bool:
    if report is None:
        return False
    return bool(report.raised or report.delivered or report.failed or report.failures)


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def round_line(summary: SyncSummary, now: datetime | None = None) -> str:
    """`2026-12-06 10:14:03  synced 40 activities, 12 Tasks written, 3 API calls`."""
    parts = [f"synced {_count(summary.activities, 'activity', 'activities')}"]
    parts.append(f"{_count(summary.tasks_written, 'Task', 'Tasks')} written")
    if summary.events_written:
        parts.append(f"{_count(summary.events_written, 'Event', 'Events')} written")
    if summary.records_failed:
        parts.append(f"{_count(summary.records_failed, 'record', 'records')} refused")
    if summary.records_deferred:
        parts.append(f"{summary.records_deferred:,} to retry later")
    if summary.deleted:
        parts.append(f"{summary.deleted:,} deleted")
    parts.append(_count(summary.api_calls, "API call", "API calls"))
    line = ", ".join(parts)
    if summary.paused:
        line += f"; paused ({summary.paused}): {summary.detail}"
    return f"{local_time(now or datetime.now(UTC))}  {line}"


def warn_if_nobody_matched(summary: SyncSummary, as_json: bool) -> None:
    """Activities were synced but nothing was written or refused: no recipient matched."""
    written = summary.tasks_written + summary.events_written + summary.records_failed
    if summary.resolved and not written and not as_json:
        click.echo(
            f"warning: {summary.resolved} activities were synced but none of their recipients "
            "matched a Contact or Lead in the org (or all were excluded): check the org's "
            "people (`activity-sync org seed` for the local org) or see why with "
            "`activity-sync explain <activity id>`",
            err=True,
        )


def report(summary: SyncSummary, as_json: bool, follow: bool = False) -> None:
    if as_json:
        click.echo(orjson.dumps(dataclasses.asdict(summary)).decode())
        return
    if follow:
        click.echo(round_line(summary))
        return
    table = Table(title="sync", show_header=False)
    rows = [
        ("activities processed", summary.activities),
        ("newly resolved and planned", summary.resolved),
        ("Tasks written", summary.tasks_written),
        ("Events written", summary.events_written),
        ("records refused (kept, see stats)", summary.records_failed),
        ("records to retry later", summary.records_deferred),
        ("records deleted (replay)", summary.deleted),
        ("re-planned as individual (R18)", summary.replanned),
        ("API calls", summary.api_calls),
        ("still pending", summary.pending),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    for code, count in sorted(summary.failures.items()):
        table.add_row(f"  refused: {code}", str(count))
    console = Console()
    console.print(table)
    if summary.paused == "budget":
        console.print(f"[yellow]Paused at the API budget:[/yellow] {summary.detail}")
    elif summary.paused:
        console.print(f"[red]Paused, the org is unavailable:[/red] {summary.detail}")
