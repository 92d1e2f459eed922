"""`activity-sync drift`: what people and Salesforce changed in the records the engine wrote (R27)."""

from __future__ import annotations

from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.config import Config
from adapters.cli.layout import id_column, is_narrow, prose_column
from adapters.cli.zone import local_time
from domain.record_links import record_url
from projections.org_drift import DriftReport


@click.command("drift")
@click.option("--json", "as_json", is_flag=True, help="Print what was found as one JSON document.")
@click.pass_obj
def drift(config: Config, as_json: bool) -> None:
    """Read the org's changes since the last look and record each one on its activity.

    Edits by a person, relations removed or added, deletions and undeletions, Tasks moved
    by a lead conversion or a merge, archiving; and the Contacts and Leads the org
    converted, merged away or deleted. `explain` then shows them; sync and replay keep
    a person's decision and never write a reference to a gone record (R27, R28).
    """
    with config.reader() as runtime:
        report = runtime.check_org()
        instance = runtime.salesforce_url
    if as_json:
        click.echo(orjson.dumps(document(report, instance)).decode())
        return
    print_report(report, Console())


def document(report: DriftReport, instance_url: str | None = None) -> dict[str, Any]:
    return {
        "since": report.since,
        "until": report.until,
        "records_read": report.records_read,
        "api_calls": report.api_calls,
        "counts": report.counts(),
        "changes": [
            _linked(c, instance_url, salesforce_id="url", by="by_url") for c in report.changes
        ],
        "people": [
            _linked(p, instance_url, person_id="url", now_id="now_url") for p in report.people
        ],
    }


def _linked(entry: dict[str, Any], instance_url: str | None, **keys: str) -> dict[str, Any]:
    """The entry with a Lightning link beside each id named in `keys` (id key -> link key);
    left out when none can be made (no instance configured, an unknown object)."""
    links = {link: record_url(instance_url, entry.get(key)) for key, link in keys.items()}
    return {**entry, **{link: url for link, url in links.items() if url}}


def print_report(report: DriftReport, console: Console) -> None:
    window = f"since {local_time(report.since, True)}" if report.since else "since the first write"
    console.print(
        f"Looked at the org's changes {window}: {report.records_read} records read in "
        f"{report.api_calls} API calls."
    )
    if report.changes:
        _print_changes(report.changes, console)
    else:
        console.print("No change to the records the engine wrote.")
    for fate in report.people:
        now = f" -> {fate['now_id']}" if fate.get("now_id") else ""
        console.print(f"{fate['kind']}: {fate['person_id']}{now}")


def _print_changes(changes: list[dict[str, Any]], console: Console) -> None:
    """A table from 100 columns on; below, one short block per change, so the activity id
    and the record id stay whole on their lines."""
    if is_narrow(console.width, 100):
        console.print(Text(f"{len(changes)} changes recorded", style="bold"))
        for change in changes:
            console.print(Text(f"{change['kind']} {change['salesforce_id']}"))
            console.print(Text(f"  activity {change['activity_id']}"))
            console.print(Text(f"  by {change['by'] or '-'}; fields: {_fields(change)}"))
        return
    table = Table(title=f"{len(changes)} changes recorded")
    id_column(table, "activity")
    id_column(table, "record")
    table.add_column("change", no_wrap=True)
    prose_column(table, "by")
    prose_column(table, "fields")
    for change in changes:
        cells = (change["activity_id"], change["salesforce_id"], change["kind"])
        table.add_row(*(Text(str(c)) for c in cells), Text(change["by"] or "-"), _fields(change))
    console.print(table)


def _fields(change: dict[str, Any]) -> str:
    return ", ".join(change["fields"]) or "-"
