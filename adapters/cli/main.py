"""The `activity-sync` command: parses arguments, calls one thing, maps errors to exit codes."""

from __future__ import annotations

import sys

import click

from adapters.cli.config import Config
from domain.errors import ActivitySyncError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.pass_context
def cli(ctx: click.Context, store: str, salesforce: str | None) -> None:
    """Sync email activity into Salesforce as shared Tasks, with an audit trail and replay."""
    ctx.obj = Config(store=store, salesforce=salesforce)


def _register() -> None:
    from adapters.cli import commands

    for command in commands.ALL:
        cli.add_command(command)


def main() -> None:
    _register()
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ActivitySyncError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
