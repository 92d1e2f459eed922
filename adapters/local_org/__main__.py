"""`python -m adapters.local_org serve|seed ...`: the `activity-sync org` commands alone.

The same click commands as `activity-sync org`, without importing the rest of the CLI, so
tests and benchmarks that start many local orgs start them quicker.
"""

from __future__ import annotations

import sys

import click

from adapters.cli.org import org
from domain.errors import ActivitySyncError


def main() -> None:
    try:
        org.main(prog_name="activity-sync org", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except ActivitySyncError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
