"""`activity-sync org serve|seed`: run the local org, and load demo records into any org.

`main` runs these commands alone (`python -m adapters.cli.org`), without the rest of the CLI.
"""

from __future__ import annotations

import json
import os
import shlex
from typing import IO

import click

from adapters.cli.exits import run
from domain.errors import ActivitySyncError, BadInput


@click.group("org")
def org() -> None:
    """The local org: an HTTPS emulator of the Salesforce REST API, backed by SQLite."""


@org.command("serve")
@click.option(
    "--port",
    type=int,
    default=0,
    show_default=True,
    help="TCP port on 127.0.0.1 (0 = any free port).",
)
@click.option(
    "--db", "db_path", default="local-org.db", show_default=True, help="SQLite file of the org."
)
@click.option(
    "--shared-activities",
    type=click.Choice(["on", "off"]),
    default=None,
    help="Shared activities (default: on for a new db, else the db's setting; off = support's disable).",
)
@click.option("--session-id", default=None, help="Session id clients must send (default: random).")
@click.option(
    "--api-limit", type=click.IntRange(min=1), default=None, help="Daily API calls (default 15000)."
)
@click.option(
    "--faults", default=None, help='Injected faults, e.g. "HTTP_503:0.05,LATENCY_MS:20,SEED:7".'
)
@click.option(
    "--user-session",
    "user_sessions",
    multiple=True,
    metavar="TOKEN[=NAME]",
    help='Another person\'s session, e.g. "pat-token=Pat Admin" (a User of its own; repeatable).',
)
@click.option(
    "--deny-permission",
    "denied",
    multiple=True,
    metavar="NAME",
    help="A permission the integration user lacks: ViewSetup, ModifyAllData (repeatable).",
)
@click.option(
    "--archive-after-days",
    type=click.IntRange(min=0),
    default=None,
    help="Tasks and Events dated more than N days ago are archived (default: never).",
)
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the connection as shell exports to this file (owner-only), once ready: "
    "`. ./org.env` then sets SALESFORCE_INSTANCE_URL, SALESFORCE_SESSION_ID, "
    "SALESFORCE_CA_BUNDLE.",
)
def serve_command(
    port: int,
    db_path: str,
    shared_activities: str | None,
    session_id: str | None,
    api_limit: int | None,
    faults: str | None,
    user_sessions: tuple[str, ...],
    denied: tuple[str, ...],
    archive_after_days: int | None,
    env_file: str | None,
) -> None:
    """Serve the org; prints one JSON line {instance_url, session_id, ca_bundle}, logs to stderr."""
    from adapters.local_org.faults import FaultSpecError, parse_faults
    from adapters.local_org.serve import CannotServe, serve
    from adapters.local_org.users import UserSpecError, parse_permissions, parse_user_session

    try:
        parsed = parse_faults(faults)
        people = [parse_user_session(spec) for spec in user_sessions]
        permissions = parse_permissions(denied)
        if any(token == session_id for token, _name in people):
            raise UserSpecError("a --user-session token must differ from --session-id")
    except (FaultSpecError, UserSpecError) as error:
        raise BadInput(str(error)) from error
    shared = None if shared_activities is None else shared_activities == "on"
    try:
        serve(
            db_path,
            port,
            shared,
            session_id,
            api_limit,
            parsed,
            user_sessions=people,
            denied=permissions,
            archive_after_days=archive_after_days,
            on_ready=(lambda ready: write_env_file(env_file, ready)) if env_file else None,
        )
    except CannotServe as error:
        raise ActivitySyncError(str(error)) from None


def write_env_file(path: str, ready: dict[str, str]) -> None:
    """The org's connection as shell exports, readable by its owner only (a session id)."""
    names = {
        "SALESFORCE_INSTANCE_URL": ready["instance_url"],
        "SALESFORCE_SESSION_ID": ready["session_id"],
        "SALESFORCE_CA_BUNDLE": ready["ca_bundle"],
    }
    text = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in names.items())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


@org.command("seed")
@click.argument("file", type=click.File("r"))
@click.option("--instance-url", envvar="SALESFORCE_INSTANCE_URL", default=None)
@click.option("--session-id", envvar="SALESFORCE_SESSION_ID", default=None)
@click.option("--ca-bundle", envvar="SALESFORCE_CA_BUNDLE", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print {ref: {object, id}} as JSON.")
@click.pass_context
def seed_command(
    ctx: click.Context,
    file: IO[str],
    instance_url: str | None,
    session_id: str | None,
    ca_bundle: str | None,
    as_json: bool,
) -> None:
    """Load Users, Accounts, Contacts, Leads, Opportunities and contact roles from FILE (JSON)."""
    from adapters.local_org.client import connect
    from adapters.local_org.seed import SeedError, SeedRefused, load_seed, seed

    config = ctx.obj
    instance_url = (
        instance_url
        or getattr(config, "salesforce", None)
        or os.environ.get("SALESFORCE_INSTANCE_URL")
    )
    if not instance_url or not session_id:
        raise BadInput(
            "seed needs --instance-url and --session-id (or SALESFORCE_INSTANCE_URL / SALESFORCE_SESSION_ID)"
        )
    try:
        plan = load_seed(json.load(file))
    except (ValueError, SeedError) as error:
        raise BadInput(f"{getattr(file, 'name', 'seed file')}: {error}") from error
    try:
        created = seed(connect(instance_url, session_id, ca_bundle), plan)
    except SeedRefused as error:
        raise ActivitySyncError(str(error)) from error
    if as_json:
        click.echo(json.dumps(created, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("ref", "object", "id")
    for ref, record in created.items():
        table.add_row(ref, record["object"], record["id"])
    Console().print(table)


def main() -> None:
    """The `org` commands alone, so tests and benchmarks that start many local orgs start them
    quicker; errors and exit codes as `activity-sync org`."""
    run(org, prog_name="activity-sync org")


if __name__ == "__main__":
    main()
