"""`activity-sync replay plan|apply`: rebuild Tasks after a settings change (R19)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adapters.bootstrap import Runtime, build
from adapters.cli import replay_render as render
from adapters.cli.config import Config
from domain.errors import BadInput, ConfigurationError, NotFound
from projections.application import ActivitySyncApp
from projections.worker import WorkerOptions
from replay.apply import NotConfirmed, carry_out_plan, prepare
from replay.make_plan import PlanRequest, make_plan
from replay.narrowing import Narrowing, Tally
from replay.org_access import observe_org, org_reader, target_settings
from replay.org_state import OrgReader
from replay.parallel import Workers, parse_workers
from replay.plan_entries import ActivityDiff
from replay.sealed_plan import open_plan
from replay.stream import parse_since

DETAIL_ROWS = 20
SYNC_CHUNK = 2000  # about 9,000 records when a replay fans shared Tasks out (Bulk from 8,000)
EVERY_HELD = "\x00every held activity"  # what `--force` alone stands for


@click.group("replay")
def replay() -> None:
    """Recompute every Task from the stored history under new settings, diff, and apply.

    `plan` is read-only and prints what would change; `apply` appends the events that carry
    a saved plan out, and `activity-sync sync` then writes them to the org.
    """


@replay.command("plan")
@click.option("--since", help="Only activities that occurred on or after this date or time.")
@click.option(
    "--activity", "activity_ids", multiple=True, help="Only this activity id (repeatable)."
)
@click.option(
    "--settings-version", type=int, help="Plan under this settings version (default: current)."
)
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write the plan document here (for apply)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the whole plan document as JSON.")
@click.option(
    "--no-org", is_flag=True, help="Compare with the store's record only; do not read the org."
)
@click.option("--chunk-size", default=500, show_default=True, help="Activities per chunk.")
@click.option(
    "--workers",
    default="auto",
    show_default=True,
    help="Processes planning in parallel: a number, or auto (one per core, up to 4, "
    "on stores of 50,000 events or more; one process below that).",
)
@click.option(
    "--clock-skew",
    default=5.0,
    show_default=True,
    help="Seconds of clock difference tolerated when telling an edit in the org from the engine's own write.",
)
@click.pass_obj
def plan_command(
    config: Config,
    since: str | None,
    activity_ids: tuple[str, ...],
    settings_version: int | None,
    out: str | None,
    as_json: bool,
    no_org: bool,
    chunk_size: int,
    workers: str,
    clock_skew: float,
) -> None:
    """Show what replaying the history under the current (or given) settings would change."""
    if chunk_size < 1:
        raise BadInput("--chunk-size must be at least 1")
    try:
        moment = parse_since(since) if since else None
    except ValueError as error:
        raise BadInput(f"--since: {error}") from None
    with config.runtime() as runtime:
        _require_known(runtime, activity_ids)
        try:
            events = 0 if activity_ids else runtime.app.recorder.max_notification_id() or 0
            processes = parse_workers(workers, events)
        except ValueError as error:
            raise BadInput(f"--workers: {error}") from None
        reader, factory = None, None
        if not no_org:
            try:
                observe_org(runtime.app, runtime.gateway())
            except ConfigurationError as error:
                raise ConfigurationError(f"{error} (or plan without the org: --no-org)") from None
            settings = runtime.app.settings()
            shared = bool(settings.org_shared_activities)
            reader = org_reader(runtime.gateway(), shared)
            factory = partial(
                _gateway_reader,
                runtime.salesforce_url,
                dict(runtime.env),
                settings.external_id_field,
                settings.api_budget_percent,
                shared,
            )
        request = PlanRequest(
            settings=target_settings(runtime.app, settings_version),
            since=moment,
            activity_ids=activity_ids,
            reader=reader,
            chunk_size=chunk_size,
            skew=timedelta(seconds=clock_skew),
            workers=Workers(processes, partial(_planning_app, runtime.location.url), factory),
        )
        shown: list[ActivityDiff] = []
        keep = lambda diff: len(shown) < DETAIL_ROWS and shown.append(diff)  # noqa: E731
        with _plan_path(out) as path, _progress("planning", None, as_json) as tick:
            header, _ = make_plan(runtime.app, request, path, tick, keep)
            if as_json:
                sys.stdout.buffer.write(Path(path).read_bytes())
                return
    render.plan_report(header, shown, out)


@replay.command("apply")
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--only", multiple=True, metavar="ACTIVITY", help="Apply only this activity (repeatable)."
)
@click.option(
    "--skip", multiple=True, metavar="ACTIVITY", help="Leave this activity out (repeatable)."
)
@click.option(
    "--force",
    multiple=True,
    is_flag=False,
    flag_value=EVERY_HELD,
    metavar="[ACTIVITY]",
    help="Also overwrite what a person edited in the org: alone, for every held activity; "
    "with an activity id, for that one (repeatable).",
)
@click.option(
    "--yes",
    is_flag=True,
    help="Do not ask. Without a terminal, a plan that deletes or changes records in the org "
    "is applied only with --yes.",
)
@click.option("--sync", "run_sync", is_flag=True, help="Run the sync worker afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as one JSON document.")
@click.option("--chunk-size", default=500, show_default=True, help="Activities per transaction.")
@click.option(
    "--sync-chunk-size",
    default=SYNC_CHUNK,
    show_default=True,
    help="Activities per sync chunk with --sync. A replay fans out into many records; chunks "
    "this large let the individual ones go by Bulk API 2.0 when that costs fewer API calls.",
)
@click.pass_obj
def apply_command(
    config: Config,
    plan_file: str | None,
    only: tuple[str, ...],
    skip: tuple[str, ...],
    force: tuple[str, ...],
    yes: bool,
    run_sync: bool,
    as_json: bool,
    chunk_size: int,
    sync_chunk_size: int,
) -> None:
    """Append the events that carry out a saved plan (PLAN_FILE), as it was made.

    The plan is refused when it was edited (exit 2) or is stale (exit 1). Narrow it with
    --only, --skip and --force instead. On a terminal, apply shows what it will change in
    the org and asks first.
    """
    if chunk_size < 1 or sync_chunk_size < 1:
        raise BadInput("--chunk-size and --sync-chunk-size must be at least 1")
    plan_file = _plan_argument(plan_file, force)
    narrowing = Narrowing(
        only=frozenset(only),
        skip=frozenset(skip),
        force=frozenset(f for f in force if f != EVERY_HELD),
        force_all=EVERY_HELD in force,
    )
    with config.runtime() as runtime, open_plan(plan_file) as plan:
        reader = None
        if plan.header["basis"].get("org_read"):
            shared = bool(plan.header["settings"].get("org_shared_activities"))
            reader = org_reader(runtime.gateway(), shared)
        prepared = prepare(runtime.app, plan, reader, narrowing, chunk_size)
        if not prepared.previously_applied:
            _confirm(prepared.tally, yes, runtime.salesforce_url or "the org")
        total = int(plan.header["totals"]["changed"])
        with _progress("applying", total, as_json) as tick:
            result = carry_out_plan(runtime.app, prepared, tick, chunk_size)
        options = WorkerOptions(chunk_size=sync_chunk_size)
        summary = (
            runtime.sync_round(runtime.worker(options), wait=False, rules=False).summary
            if run_sync
            else None
        )
    render.apply_report(result, summary, as_json)
    if summary is not None and (summary.records_failed or summary.paused == "org_unavailable"):
        raise SystemExit(1)


def _plan_argument(plan_file: str | None, force: tuple[str, ...]) -> str:
    """The plan's path; `apply --force PLAN` (--force took the path) is told how to say it."""
    if plan_file is None:
        if any(Path(value).is_file() for value in force):
            raise BadInput(
                "--force takes an activity id, not the plan: put the plan first "
                "(activity-sync replay apply PLAN --force)"
            )
        raise BadInput("which plan? activity-sync replay apply PLAN (saved by replay plan --out)")
    if not Path(plan_file).is_file():
        raise BadInput(f"no plan file {plan_file}")
    return plan_file


def _confirm(tally: Tally, yes: bool, org: str) -> None:
    """Ask on a terminal; without one, a plan that deletes or changes records needs --yes."""
    if yes or not tally.activities:
        return
    what = f"{tally.sentence()} in {org}"
    if not sys.stdin.isatty():
        if tally.destructive:
            raise BadInput(f"this plan would {what}: pass --yes to apply it without a terminal")
        return
    click.echo(f"Applying this plan will {what} ({tally.activities} activities).", err=True)
    if not click.confirm("Apply it?", default=False, err=True):
        raise NotConfirmed("nothing was applied")


def _planning_app(store_url: str) -> ActivitySyncApp:
    """The application inside a planning worker process (it closes it when done)."""
    return build(store_url).app


def _gateway_reader(
    salesforce_url: str | None,
    env: dict[str, str],
    external_id_field: str,
    budget_percent: int,
    org_shared: bool,
) -> OrgReader:
    """A reader on a gateway of its own, built inside a planning worker process."""
    runtime = build(
        None,
        salesforce_url,
        env,
        external_id_field=external_id_field,
        budget_percent=budget_percent,
    )
    return org_reader(runtime.gateway(), org_shared)


def _require_known(runtime: Runtime, activity_ids: tuple[str, ...]) -> None:
    missing = [i for i in activity_ids if runtime.app.activity(i) is None]
    if missing:
        raise NotFound("no activity with id " + ", ".join(repr(i) for i in missing))


@contextmanager
def _plan_path(out: str | None) -> Iterator[str]:
    if out:
        yield out
        return
    with tempfile.TemporaryDirectory(prefix="replay-") as folder:
        yield str(Path(folder) / "plan.json")


@contextmanager
def _progress(label: str, total: int | None, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    columns: Any = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)
