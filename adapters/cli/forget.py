"""`activity-sync forget ADDRESS` and `unforget ADDRESS`: erase a person from the store (R29)."""

from __future__ import annotations

import getpass
import sys

import click
import orjson

from adapters.cli.config import Config
from adapters.privacy.finding import Appearances
from adapters.privacy.forget import IN_ORG, ForgetReport, forget, parse_address, preview, unforget
from domain.errors import BadInput
from replay.apply import NotConfirmed


@click.command("forget")
@click.argument("address")
@click.option(
    "--in-org",
    type=click.Choice(IN_ORG),
    default="unrelate",
    show_default=True,
    help="unrelate: take the person off the shared Tasks the engine wrote and delete the "
    "Tasks they were the only person on; keep: leave the org as it is.",
)
@click.option("--yes", is_flag=True, help="Do not ask (needed without a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as one JSON document.")
@click.pass_obj
def forget_command(config: Config, address: str, in_org: str, yes: bool, as_json: bool) -> None:
    """Forget a person: their address, names and the text only they held become unreadable in
    the store, and later input naming them is judged `forgotten` (see docs/privacy.md)."""
    normalised = parse_address(address)
    with config.runtime() as runtime:
        found = preview(runtime, normalised)
        _confirm(found, in_org, yes)
        report = forget(runtime, normalised, found, in_org, _who())
    if as_json:
        click.echo(orjson.dumps({"in_org": in_org, **report.to_dict()}).decode())
    else:
        for line in sentences(report, in_org):
            click.echo(line)


@click.command("unforget")
@click.argument("address")
@click.pass_obj
def unforget_command(config: Config, address: str) -> None:
    """Let a forgotten address be ingested again (what was erased stays erased)."""
    normalised = parse_address(address)
    with config.runtime() as runtime:
        lifted = unforget(runtime, normalised, _who())
    if lifted:
        click.echo("The address may be ingested again; what was erased before stays erased.")
    else:
        click.echo("The address was not forgotten: nothing to lift.")


def _confirm(found: Appearances, in_org: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise BadInput("forget erases for good: pass --yes to run it without a terminal")
    org = "take them off the Tasks written for them" if in_org == "unrelate" else "leave the org"
    click.echo(
        f"The person is named in {len(found.activities)} activities and "
        f"{len(found.lines)} rejected lines. Forgetting erases them from the store for good "
        f"and will {org}.",
        err=True,
    )
    if not click.confirm("Forget them?", default=False, err=True):
        raise NotConfirmed("nothing was forgotten")


def sentences(report: ForgetReport, in_org: str) -> list[str]:
    """What was done, in plain words (never the address)."""
    lines = []
    if not report.known:
        lines.append("The store never saw this address; it is now on the suppression list.")
    else:
        lines.append(
            f"Forgotten: named in {report.activities} activities ({report.records} records "
            f"written), {report.rejected_lines} rejected lines; {report.erased_texts} "
            f"subjects and bodies erased; {report.view_rows} view rows rewritten."
        )
    if in_org == "keep":
        lines.append("In the org: nothing changed (--in-org keep).")
    elif report.org.get("error"):
        lines.append(f"In the org: not done yet: {report.org['error']}.")
    elif report.org:
        org = report.org
        lines.append(
            f"In the org: {report.org_replanned} records re-planned without them; "
            f"{org['records_written']} rewritten, {org['records_deleted']} deleted, "
            f"{org['records_failed']} failed, in {org['api_calls']} API calls."
        )
    else:
        lines.append("In the org: nothing to change.")
    for name in report.plans_deleted:
        lines.append(f"Deleted the kept replay plan {name} (it named them).")
    if report.legacy_events:
        lines.append(
            f"Still readable: {report.legacy_events} events written before personal data was "
            "encrypted hold the address in plain text; the log is append-only (docs/privacy.md)."
        )
    lines.append(f"Files: {report.files}.")
    lines.append("Later input naming this address is judged `forgotten` until `unforget`.")
    return lines


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
