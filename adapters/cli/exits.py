"""One mapping of outcomes to exit codes for every entry point: 0 done, 1 failed, 2 bad input.

Every failure is one sentence on stderr; when the command line asked for `--json`, it is
also one JSON object on stdout, `{"error": <sentence>, "code": <exit code>}`, whatever
failed (a usage error, our own errors, an interruption, a bug).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import click
import orjson

from domain.errors import ActivitySyncError

INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C (128 + SIGINT)


class Interrupted(ActivitySyncError):
    """The user pressed Ctrl-C; the message says what is left. Exit code 130."""

    exit_code = INTERRUPTED


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON output (`--json` before any `--`)."""
    for arg in argv:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


def run(group: click.Group, **options: Any) -> NoReturn:
    """Run a click group and exit: one sentence on stderr for our errors, never a traceback."""
    args = options.get("args")
    as_json = wants_json(sys.argv[1:] if args is None else list(args))
    try:
        code = group.main(standalone_mode=False, **options)
    except click.exceptions.Abort:
        _fail("Aborted.", 1, as_json)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code, as_json, error.show)
    except Interrupted as error:
        _fail(str(error), error.exit_code, as_json)
    except ActivitySyncError as error:
        _fail(str(error), error.exit_code, as_json, prefix="error: ")
    except KeyboardInterrupt:
        _fail("Interrupted.", INTERRUPTED, as_json)
    except Exception as error:  # noqa: BLE001 - the last resort: one sentence, not a traceback
        if os.environ.get("ACTIVITY_SYNC_DEBUG"):
            raise
        sentence = (
            f"unexpected error ({type(error).__name__}: {error}); "
            "ACTIVITY_SYNC_DEBUG=1 shows where it happened"
        )
        _fail(sentence, 1, as_json, prefix="error: ")
    sys.exit(code if isinstance(code, int) else 0)


def _fail(
    sentence: str,
    code: int,
    as_json: bool,
    show: Callable[[], None] | None = None,
    prefix: str = "",
) -> NoReturn:
    """The JSON object on stdout when asked for, and the sentence (or click's usage) on stderr."""
    if as_json:
        click.echo(orjson.dumps({"error": sentence, "code": code}).decode())
    if show is None:
        click.echo(f"{prefix}{sentence}", err=True)
    else:
        show()
    sys.exit(code)
