"""`activity-sync sync`: carry everything pending into the org, with progress and a summary."""

from __future__ import annotations

import dataclasses
import time

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from adapters.bootstrap import Runtime
from adapters.cli.config import Config
from adapters.cli.rules import print_report
from adapters.cli.sync_pause import PauseGate
from domain.errors import BadInput
from projections.ports import Held
from projections.sync_round import SyncRound
from projections.worker import SyncSummary, SyncWorker, WorkerOptions


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document.")
@click.option("--follow", is_flag=True, help="Keep watching for new input until interrupted.")
@click.option(
    "--interval", default=30.0, show_default=True, help="Seconds between --follow rounds."
)
@click.option("--chunk-size", default=1000, show_default=True, help="Activities per chunk.")
@click.option(
    "--worker-id",
    default=None,
    help="Name of this worker in the queue's leases (default: host:pid).",
)
@click.option(
    "--lease-seconds",
    default=600.0,
    show_default=True,
    help="How long a chunk stays this worker's; past it another worker may take it over.",
)
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Before returning, wait for work other workers hold, and take over any whose lease runs out.",
)
@click.option(
    "--drift-minutes",
    envvar="ACTIVITY_SYNC_DRIFT_MINUTES",
    default=5.0,
    show_default=True,
    help="Look at what the org changed in the engine's records when the last look is this "
    "old (R27; 0: never, `activity-sync drift` does it on demand).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Run even though the sync is paused (`activity-sync pause`); the switch stays paused.",
)
@click.pass_obj
def sync(
    config: Config,
    as_json: bool,
    follow: bool,
    interval: float,
    chunk_size: int,
    worker_id: str | None,
    lease_seconds: float,
    wait: bool,
    drift_minutes: float,
    force: bool,
) -> None:
    """Process everything pending: look people up, plan Tasks, write them, record the outcome.

    Several workers (processes, on one or several machines) may run at once on one
    PostgreSQL store: each takes chunks under a lease, so none takes another's work,
    and work a stopped worker held is taken over once its lease runs out.
    """
    if chunk_size < 1 or lease_seconds <= 0:
        raise BadInput("--chunk-size must be at least 1 and --lease-seconds more than 0")
    options = WorkerOptions(chunk_size=chunk_size, lease_seconds=lease_seconds)
    if worker_id:
        options.owner = worker_id
    with config.runtime() as runtime:
        gate = PauseGate(runtime.app, force, follow)
        gate.may_run()  # a paused store: refused here (exit 1), or idle under --follow
        worker = runtime.worker(options)
        while True:
            if not gate.may_run():
                time.sleep(interval)
                continue
            done = _round(runtime, worker, wait and not follow, drift_minutes, quiet=as_json)
            _report(done.summary, as_json)
            _warn_if_nobody_matched(done.summary, as_json)
            if done.drift is not None and done.drift.changes and not as_json:
                counts = ", ".join(f"{n} {kind}" for kind, n in done.drift.counts().items())
                click.echo(f"the org changed records the engine wrote: {counts} (see `explain`)")
            if done.rules is not None and not as_json:
                print_report(done.rules, Console())
            if not follow:
                break
            time.sleep(interval)
    if done.summary.paused == "org_unavailable" or done.summary.records_failed:
        raise SystemExit(1)


def _waiting(held: Held) -> None:
    until = time.strftime("%H:%M:%S", time.localtime(held.first_expiry))
    click.echo(
        f"waiting for {held.count} activities other workers hold "
        f"(the first lease runs out at {until})",
        err=True,
    )


def _round(
    runtime: Runtime, worker: SyncWorker, wait: bool, drift_minutes: float, quiet: bool
) -> SyncRound:
    """One sync round, with a progress bar on a terminal."""
    waiting = None if quiet else _waiting
    round_options = {"wait": wait, "waiting": waiting, "drift_minutes": drift_minutes}
    queue = runtime.queue()
    queue.catch_up()
    total = queue.pending_count()
    console = Console(stderr=True)
    if quiet or not total or not console.is_terminal:
        return runtime.sync_round(worker, **round_options)
    columns = (
        TextColumn("syncing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("sync", total=total)
        return runtime.sync_round(
            worker,
            progress=lambda s: progress.update(task, completed=s.activities),
            **round_options,
        )


def _warn_if_nobody_matched(summary: SyncSummary, as_json: bool) -> None:
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
