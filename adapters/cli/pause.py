"""`activity-sync pause` and `resume`: the switch that stops and restarts the background sync.

Top-level commands, so `activity-sync sync` and its flags stay exactly as they are. While
paused, the console's background sync and `sync --follow` idle with a message, and a
plain `sync` says it is paused and exits 1 unless given `--force`.
"""

from __future__ import annotations

import getpass

import click
import orjson

from adapters.cli.config import Config
from projections.sync_switch import SwitchState, pause_sync, resume_sync


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _print(state: SwitchState, changed: bool, as_json: bool) -> None:
    if as_json:
        click.echo(orjson.dumps({"changed": changed, **state.to_dict()}).decode())
    elif state.paused:
        lead = "sync paused" if changed else "sync was paused already"
        why = f" ({state.reason})" if state.reason else ""
        click.echo(f"{lead}: since {state.at} by {state.by}{why}")
    else:
        lead = "sync resumed" if changed else "sync was not paused; nothing changed"
        click.echo(f"{lead}" + (f" (by {state.by} at {state.at})" if changed else ""))


@click.command("pause")
@click.option("--reason", default="", help="Why, shown beside the pause (e.g. 'org migration').")
@click.option("--by", "by", default=None, help="Who pauses it (default: cli:<login>).")
@click.option("--json", "as_json", is_flag=True, help="Print the switch as one JSON document.")
@click.pass_obj
def pause(config: Config, reason: str, by: str | None, as_json: bool) -> None:
    """Pause the sync: the console's background sync and `sync --follow` idle until `resume`."""
    with config.runtime() as runtime:
        changed, state = pause_sync(runtime.app, by or _who(), reason.strip()[:500])
    _print(state, changed, as_json)


@click.command("resume")
@click.option("--by", "by", default=None, help="Who resumes it (default: cli:<login>).")
@click.option("--json", "as_json", is_flag=True, help="Print the switch as one JSON document.")
@click.pass_obj
def resume(config: Config, by: str | None, as_json: bool) -> None:
    """Resume a paused sync: pending work is written by the next round."""
    with config.runtime() as runtime:
        changed, state = resume_sync(runtime.app, by or _who())
    _print(state, changed, as_json)
