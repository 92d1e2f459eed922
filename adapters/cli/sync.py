"""`activity-sync sync`: carry everything pending into the org, with progress and a summary."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.bootstrap import Runtime
from adapters.cli.config import Config
from adapters.cli.exits import Interrupted
from adapters.cli.interrupt import GracefulStop, left_to_do
from adapters.cli.rules import print_report
from adapters.cli.sync_pause import PauseGate
from adapters.cli.sync_report import (
    did_something,
    report,
    rules_did_something,
    warn_if_nobody_matched,
)
from adapters.cli.zone import local_time
from domain.errors import BadInput
from projections.ports import Held
from projections.sync_round import SyncRound
from projections.worker import SyncWorker, WorkerOptions


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
        with GracefulStop(lambda text: click.echo(text, err=True)) as stop:
            worker.queue = stop.guard(worker.queue)
            try:
                done = _rounds(
                    runtime, worker, gate, as_json, follow, interval, wait, drift_minutes
                )
            except KeyboardInterrupt:
                raise Interrupted(left_to_do(runtime.queue().pending_count)) from None
    if done.summary.paused == "org_unavailable" or done.summary.records_failed:
        raise SystemExit(1)


def _rounds(
    runtime: Runtime,
    worker: SyncWorker,
    gate: PauseGate,
    as_json: bool,
    follow: bool,
    interval: float,
    wait: bool,
    drift_minutes: float,
) -> SyncRound:
    """One round, or with `follow` a round every `interval` seconds until interrupted."""
    if follow and not as_json:
        click.echo(f"following: a round every {interval:g} s; Ctrl-C to stop", err=True)
    while True:
        if not gate.may_run():  # paused under --follow: idle until resumed
            time.sleep(interval)
            continue
        done = _round(runtime, worker, wait and not follow, drift_minutes, quiet=as_json)
        busy = did_something(done.summary)
        if not follow or busy:
            report(done.summary, as_json, follow)
            warn_if_nobody_matched(done.summary, as_json)
        if done.drift is not None and done.drift.changes and not as_json:
            counts = ", ".join(f"{n} {kind}" for kind, n in done.drift.counts().items())
            click.echo(f"the org changed records the engine wrote: {counts} (see `explain`)")
        if (
            done.rules is not None
            and not as_json
            and (not follow or rules_did_something(done.rules))
        ):
            print_report(done.rules, Console())
        if not follow:
            return done
        time.sleep(interval)


def _waiting(held: Held) -> None:
    until = local_time(datetime.fromtimestamp(held.first_expiry, UTC))[11:]
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
