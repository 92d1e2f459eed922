"""`activity-sync replay plan|apply`: rebuild Tasks after a settings change (R19)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

import click

from adapters.bootstrap import Runtime, build
from adapters.cli import replay_render as render
from adapters.cli.config import Config
from adapters.cli.replay_apply import apply_command
from domain.errors import BadInput, ConfigurationError, NotFound
from projections.application import ActivitySyncApp
from replay.make_plan import PlanRequest, make_plan
from replay.org_access import observe_org, org_reader, target_settings
from replay.org_state import OrgReader
from replay.parallel import Workers, parse_workers
from replay.plan_entries import ActivityDiff
from replay.stream import parse_since

DETAIL_ROWS = 20


@click.group("replay")
def replay() -> None:
    """Recompute every Task from the stored history under new settings, diff, and apply.

    `plan` is read-only and prints what would change; `apply` appends the events that carry
    a saved plan out, and `activity-sync sync` then writes them to the org.
    """


replay.add_command(apply_command)


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
    try:
        parse_workers(workers, 0)  # a bad value is bad usage, whatever the store holds
    except ValueError as error:
        raise BadInput(f"--workers: {error}") from None
    with config.reader() as runtime:
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
            # R27, R28: what people changed since the last look (conversions, merges,
            # deletions) is recorded first, so the plan names who the org holds now.
            runtime.check_org()
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
        with _plan_path(out) as path, render.progress_bar("planning", None, as_json) as tick:
            header, _ = make_plan(runtime.app, request, path, tick, keep)
            if as_json:
                sys.stdout.buffer.write(Path(path).read_bytes())
                return
    render.plan_report(header, shown, out)


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
