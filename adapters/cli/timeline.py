"""`activity-sync timeline EMAIL`: the org's Tasks and Events whose primary is that person (R22)."""

from __future__ import annotations

from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.config import Config
from adapters.cli.layout import (
    ID_WIDTH,
    id_column,
    is_narrow,
    prose_column,
    shared_widths,
    table_space,
)
from adapters.cli.record_names import person
from adapters.cli.zone import local_time
from adapters.salesforce import TimelineEntry
from domain.errors import BadInput
from domain.record_links import record_url


@click.command("timeline")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print the records as one JSON document.")
@click.option(
    "--external-id-field",
    envvar="ACTIVITY_SYNC_EXTERNAL_ID_FIELD",
    default="Activity_Sync_Key__c",
    show_default=True,
    help="The Task/Event field holding the engine's sync key.",
)
@click.pass_obj
def timeline(config: Config, email: str, as_json: bool, external_id_field: str) -> None:
    """List the Tasks and Events whose Name (WhoId) is the person with EMAIL, newest first.

    Shared Tasks show only for their primary contact, as Salesforce's own activity
    timelines do (R22); being a secondary relation of a Task does not list it here.
    """
    address = email.strip()
    if address.count("@") != 1 or address.startswith("@") or address.endswith("@"):
        raise BadInput(f"not an email address: {email!r}")
    with config.runtime(external_id_field=external_id_field, create=False) as runtime:
        entries = runtime.gateway().timeline(address)
        instance = runtime.salesforce_url
    if as_json:
        records = [with_urls(as_dict(e), e, instance) for e in entries]
        click.echo(orjson.dumps({"email": address, "records": records}).decode())
        return
    print_table(address, entries)


def with_urls(record: dict[str, Any], entry: TimelineEntry, instance: str | None) -> dict[str, Any]:
    """`url`, `who_url`, `what_url`: each record's Lightning page, left out when unknown."""
    links = {
        "url": record_url(instance, entry.salesforce_id, entry.sobject),
        "who_url": record_url(instance, entry.who_id),
        "what_url": record_url(instance, entry.what_id),
    }
    return {**record, **{key: url for key, url in links.items() if url}}


def as_dict(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "id": entry.salesforce_id,
        "sobject": entry.sobject,
        "date": entry.activity_date,
        "subject": entry.subject,
        "who_id": entry.who_id,
        "who_name": entry.who_name,
        "what_id": entry.what_id,
        "what_name": entry.what_name,
        "sync_key": entry.sync_key,
        "created": entry.created,
    }


def print_table(address: str, entries: list[TimelineEntry]) -> None:
    if not entries:
        click.echo(f"No Task or Event in the org has {address} as its primary (WhoId).")
        return
    console = Console(soft_wrap=False, highlight=False)
    title = f"Timeline of {_person(address, entries)}: {len(entries)} records, newest first"
    rows = [_cells(entry) for entry in entries]
    if is_narrow(console.width):
        _print_stacked(console, title, rows)
        return
    table = Table(title=title)
    wide = not is_narrow(console.width, 100)
    shown = [c for c in _COLUMNS if wide or c not in ("type", "by engine")]
    prose = _prose_widths(console.width, shown, rows)
    for column in shown:
        _add_column(table, column, prose.get(column))
    for row in rows:
        table.add_row(*(Text(row[column]) for column in shown))
    console.print(table)


def _prose_widths(width: int, shown: list[str], rows: list[dict[str, str]]) -> dict[str, int]:
    """Subject and "related to" share what the other columns leave; "related to" keeps
    room for a whole id in its parentheses."""
    fixed = [max(len(c), *(len(r[c]) for r in rows)) for c in shown if c not in _PROSE]
    space = table_space(width, fixed, len(shown))
    needs = [max(len(c), *(len(r[c]) for r in rows)) for c in _PROSE]
    widths = shared_widths(space, needs, [12, ID_WIDTH + 2])
    return dict(zip(_PROSE, widths, strict=True))


_COLUMNS = ("date", "type", "subject", "related to", "id", "by engine")
_PROSE = ("subject", "related to")


def _cells(entry: TimelineEntry) -> dict[str, str]:
    related = "-"
    if entry.what_id:
        related = f"{entry.what_name or ''} ({entry.what_id})".strip()
    return {
        "date": local_time(entry.activity_date)[:16],
        "type": entry.sobject,
        "subject": entry.subject or "-",
        "related to": related,
        "id": entry.salesforce_id,
        "by engine": "yes" if entry.sync_key else "no",
    }


def _add_column(table: Table, column: str, width: int | None) -> None:
    """Ids whole; the subject and what it is related to wrap at words (below 100 columns
    "type" and "by engine" give way: the id's prefix tells a Task, 00T, from an Event)."""
    if column == "id":
        id_column(table, column)
    elif column in _PROSE:
        prose_column(table, column, width=width)
    else:
        table.add_column(column, no_wrap=True)


def _print_stacked(console: Console, title: str, rows: list[dict[str, str]]) -> None:
    """Below 80 columns, one short block per record instead of a table."""
    console.print(Text.from_markup(title, style="bold"))
    for row in rows:
        engine = "by the engine" if row["by engine"] == "yes" else "not by the engine"
        console.print(Text(f"\n{row['date']}  {row['type']} {row['id']}  ({engine})"))
        console.print(Text(f"  {row['subject']}"))
        console.print(Text(f"  related to {row['related to']}"))


def _person(address: str, entries: list[TimelineEntry]) -> str:
    """`Name <address>` when the org named the person (every record's WhoId is them)."""
    return person(next((e.who_name for e in entries if e.who_name), None), address)
