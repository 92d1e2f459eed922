"""`activity-sync sync`: carry everything pending into the org, with progress and a summary."""

from __future__ import annotations

import dataclasses
import time

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from adapters.bootstrap import build
from adapters.cli.rules import print_report
from adapters.notices_run import notify_after_sync
from projections.worker import SyncSummary, WorkerOptions


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document.")
@click.option("--follow", is_flag=True, help="Keep watching for new input until interrupted.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between --follow rounds.")
@click.option("--chunk-size", default=1000, show_default=True, help="Activities per chunk.")
@click.pass_obj
def sync(config, as_json: bool, follow: bool, interval: float, chunk_size: int) -> None:
    """Process everything pending: look people up, plan Tasks, write them, record the outcome."""
    engine = build(config.store, config.salesforce)
    try:
        worker = engine.worker(WorkerOptions(chunk_size=chunk_size))
        while True:
            summary = _run_once(worker, engine.queue(), quiet=as_json)
            _report(summary, as_json)
            _run_rules(engine, quiet=as_json)
            if not follow:
                break
            time.sleep(interval)
    finally:
        engine.close()
    if summary.paused == "org_unavailable" or summary.records_failed:
        raise SystemExit(1)


def _run_rules(engine, quiet: bool) -> None:
    """Rules (R26): judge the Tasks just written and post their notices; free while none exist."""
    report = notify_after_sync(engine.app, engine.location, engine.env)
    if report is not None and not quiet:
        print_report(report, Console())


def _run_once(worker, queue, quiet: bool) -> SyncSummary:
    queue.catch_up()
    total = queue.pending_count()
    console = Console(stderr=True)
    if quiet or not total or not console.is_terminal:
        return worker.run()
    columns = (
        TextColumn("syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("sync", total=total)
        return worker.run(progress=lambda s: progress.update(task, completed=s.activities))


def _report(summary: SyncSummary, as_json: bool) -> None:
    if as_json:
        click.echo(orjson.dumps(dataclasses.asdict(summary)).decode())
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
