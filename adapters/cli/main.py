"""The `activity-sync` command: parses arguments, calls one thing, maps errors to exit codes."""

from __future__ import annotations

import click

from adapters.cli.commands import COMMANDS
from adapters.cli.config import Config
from adapters.cli.exits import run
from adapters.cli.lazy_group import LazyGroup
from adapters.cli.zone import zone_option


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--store",
    envvar="ACTIVITY_SYNC_STORE",
    default="sqlite:///activity-sync.db",
    show_default=True,
    help="Event store URL: sqlite:///path or postgresql://...",
)
@click.option(
    "--salesforce",
    envvar="SALESFORCE_INSTANCE_URL",
    default=None,
    help="Salesforce instance URL (credentials come from the environment).",
)
@zone_option
@click.pass_context
def cli(ctx: click.Context, store: str, salesforce: str | None) -> None:
    """Sync email activity into Salesforce as shared Tasks, with an audit trail and replay."""
    ctx.obj = Config(store=store, salesforce=salesforce)


def _register() -> None:
    """Load every command now (each is otherwise imported when it is first used)."""
    context = click.Context(cli)
    for name in cli.list_commands(context):
        cli.get_command(context, name)


def main() -> None:
    run(cli)
