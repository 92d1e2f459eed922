"""What `replay plan` and `replay apply` print for people (tables, a progress bar on a
terminal) and machines (--json)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from projections.worker import SyncSummary
from replay.apply import ApplyResult
from replay.plan_entries import ActivityDiff

MEANING = {
    "create": "Tasks to create",
    "delete": "Tasks to delete (only Tasks the engine wrote)",
    "relate": "Tasks gaining related contacts",
    "unrelate": "Tasks losing related contacts",
    "rewhat": "Tasks to relate to another record (WhatId)",
    "update": "Tasks re-planned in place (other fields)",
    "adopt": "existing Tasks kept under their new role",
    "missing_in_org": "written Tasks gone from the org (re-created)",
    "edited_in_org": "Tasks a person edited in the org (left alone without --force)",
    "deleted_in_org": "Tasks a person deleted in the org (left alone without --force, R28)",
}


def plan_report(header: dict[str, Any], shown: list[ActivityDiff], out: str | None) -> None:
    console = Console()
    settings, totals = header["settings"], header["totals"]
    console.print(
        f"[bold]Replay plan[/bold] {header['replay_id']}: settings v{settings['version']}, "
        f"shared activities {_shared(settings)}, org {_org(header['basis'])}"
    )
    table = Table(show_header=True)
    table.add_column("change")
    table.add_column("count", justify="right")
    table.add_column("meaning")
    for kind, meaning in MEANING.items():
        table.add_row(kind, str(header["counts"].get(kind, 0)), meaning)
    console.print(table)
    console.print(
        f"{totals['scanned']} activities read, {totals['changed']} to change"
        f" ({totals['held']} held: edited in the org), {totals['not_yet_synced']} not synced yet."
    )
    if shown:
        console.print(_detail(shown, totals["changed"]))
    _next_step(console, out, totals["changed"])


def _shared(settings: dict[str, Any]) -> str:
    mode = settings["shared_activities"]
    observed = settings.get("org_shared_activities")
    org = {True: "on in the org", False: "off in the org", None: "org state unknown"}[observed]
    return f"{mode} ({org})"


def _org(basis: dict[str, Any]) -> str:
    if not basis.get("org_read"):
        return "not read (--no-org)"
    return f"read: {basis['org_records_found']} of {basis['org_keys_asked']} written records found"


def _detail(shown: list[ActivityDiff], changed: int) -> Table:
    title = "Activities" if changed <= len(shown) else f"First {len(shown)} of {changed} activities"
    table = Table(title=title + " (all in --json)")
    table.add_column("activity", overflow="fold")
    table.add_column("changes")
    for diff in shown:
        counts = Counter(item.kind for item in diff.items)
        text = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        table.add_row(diff.activity_id, text + ("  [yellow]held[/yellow]" if diff.held else ""))
    return table


def _next_step(console: Console, out: str | None, changed: int) -> None:
    if not changed:
        console.print("Nothing to change: every Task is as these settings want it.")
    elif out:
        console.print(f"Plan saved to {out}. Apply it with: activity-sync replay apply {out}")
    else:
        console.print("Dry run: nothing was changed. Save the plan with --out FILE, then apply it.")


def _applied(console: Console, result: ApplyResult) -> None:
    console.print(
        f"[bold]Replay {result.replay_id}[/bold]: {result.applied} activities re-planned "
        f"({result.formed} Tasks formed, {result.retired} retired)"
    )
    if result.already_applied:
        console.print(f"{result.already_applied} activities were already done (resumed).")
    if result.forced:
        console.print(
            f"{result.forced} activities forced: a person's edit in the org is overwritten."
        )
    if result.skipped:
        console.print(f"{result.skipped} activities left out (--only, --skip).")
    if result.held:
        console.print(
            f"[yellow]{result.held} activities held[/yellow]: a Task was edited in the org by a "
            "person; apply with --force (or --force ACTIVITY) to overwrite."
        )


def apply_report(result: ApplyResult, summary: SyncSummary | None, as_json: bool) -> None:
    if as_json:
        document = dataclasses.asdict(result)
        document["sync"] = dataclasses.asdict(summary) if summary else None
        click.echo(orjson.dumps(document).decode())
        return
    console = Console()
    if result.previously_applied:
        console.print(
            f"Replay {result.replay_id} was already applied: nothing was appended. "
            "Make a new plan to replay again."
        )
    else:
        _applied(console, result)
    if summary is None:
        if not result.previously_applied:
            console.print("Run `activity-sync sync` to write the changes to the org.")
    else:
        console.print(
            f"Synced: {summary.tasks_written} Tasks written, {summary.deleted} deleted, "
            f"{summary.records_failed} refused, {summary.pending} still pending."
        )


@contextmanager
def progress_bar(
    label: str, total: int | None, quiet: bool
) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal (the callback moves it), else None."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    columns: Any = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)
