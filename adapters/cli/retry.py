"""`activity-sync retry`: re-queue records Salesforce refused for good, as the console does (R25)."""

from __future__ import annotations

import click
import orjson

from adapters.cli.config import Config
from domain.activity import activity_uuid

WHO = "cli"


@click.command("retry")
@click.option("--code", help="Only records refused with this Salesforce error code.")
@click.option("--activity", "activity_id", metavar="ID", help="Only the records of this activity.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print what was re-queued as one JSON document."
)
@click.pass_obj
def retry(config: Config, code: str | None, activity_id: str | None, as_json: bool) -> None:
    """Re-queue failed records (a RetryRequested event each); `activity-sync sync` writes them.

    Without a filter every failed record is re-queued. Fix the cause in Salesforce first
    (see `activity-sync stats` and `explain`).
    """
    aggregate = activity_uuid(activity_id) if activity_id else None
    with config.runtime() as runtime:
        result = runtime.retry(WHO, code=code or None, activity=aggregate)
    document = {**result.to_dict(), "code": code, "activity": activity_id}
    if as_json:
        click.echo(orjson.dumps(document).decode())
    elif result.requested:
        count = len(result.requested)
        click.echo(
            f"{count} failed record{'' if count == 1 else 's'} re-queued: "
            "run `activity-sync sync` to write them again."
        )
        for key in result.requested:
            click.echo(f"  {key}")
    else:
        click.echo(f"No failed record {_matching(code, activity_id)}: nothing to retry.")


def _matching(code: str | None, activity_id: str | None) -> str:
    parts = [
        f"refused with {code}" if code else "",
        f"of activity {activity_id}" if activity_id else "",
    ]
    return " ".join(p for p in parts if p) or "at all"
