"""`activity-sync replay apply`: carry out a saved plan, as it was made (R19).

The plan is evidence, not a form: it is checked (its digest, then what it assumed) before
anything is appended, and narrowed with flags, never by editing it. On a terminal, apply
says what it will change and asks; without one, a plan that deletes or changes records
needs --yes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from adapters.cli import replay_render as render
from adapters.cli.config import Config
from domain.errors import BadInput
from projections.worker import WorkerOptions
from replay.apply import NotConfirmed, carry_out_plan
from replay.narrowing import Narrowing, Tally
from replay.org_access import org_reader
from replay.preflight import prepare
from replay.sealed_plan import open_plan

SYNC_CHUNK = 2000  # about 9,000 records when a replay fans shared Tasks out (Bulk from 8,000)
EVERY_HELD = "\x00every held activity"  # what `--force` alone stands for


@click.command("apply")
@click.argument("plan_file", required=False, metavar="PLAN", type=click.Path(dir_okay=False))
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
    """Append the events that carry out a saved PLAN (from `replay plan --out`), as it was made.

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
    with config.reader() as runtime, open_plan(plan_file) as plan:
        reader = None
        if plan.header["basis"].get("org_read"):
            shared = bool(plan.header["settings"].get("org_shared_activities"))
            reader = org_reader(runtime.gateway(), shared)
        prepared = prepare(runtime.app, plan, reader, narrowing, chunk_size)
        if not prepared.previously_applied:
            _confirm(prepared.tally, yes, runtime.salesforce_url or "the org")
        total = int(plan.header["totals"]["changed"])
        with render.progress_bar("applying", total, as_json) as tick:
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
