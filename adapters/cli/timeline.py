"""`activity-sync timeline EMAIL`: the org's Tasks and Events whose primary is that person (R22)."""

from __future__ import annotations

from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.config import Config
from adapters.cli.record_names import person
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
    table = Table(
        title=f"Timeline of {_person(address, entries)}: {len(entries)} records, newest first"
    )
    for column in ("date", "type", "subject", "related to", "id", "by engine"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        related = "-"
        if entry.what_id:
            related = f"{entry.what_name or ''} ({entry.what_id})".strip()
        cells = (
            (entry.activity_date or "-")[:16].replace("T", " "),
            entry.sobject,
            entry.subject or "-",
            related,
            entry.salesforce_id,
            "yes" if entry.sync_key else "no",
        )
        table.add_row(*(Text(cell) for cell in cells))
    Console(soft_wrap=False).print(table)


def _person(address: str, entries: list[TimelineEntry]) -> str:
    """`Name <address>` when the org named the person (every record's WhoId is them)."""
    return person(next((e.who_name for e in entries if e.who_name), None), address)
