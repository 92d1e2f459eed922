"""One mapping of outcomes to exit codes for every entry point: 0 done, 1 failed, 2 bad input."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from domain.errors import ActivitySyncError


def run(group: click.Group, **options: Any) -> NoReturn:
    """Run a click group and exit: one sentence on stderr for our errors, never a traceback."""
    try:
        code = group.main(standalone_mode=False, **options)
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
