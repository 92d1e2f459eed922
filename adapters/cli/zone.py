"""The time zone of the times people read (`--tz` / ACTIVITY_SYNC_TZ); JSON keeps UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from domain.errors import BadInput

_KEY = "activity_sync.zone"
_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_zone(name: str) -> tzinfo:
    """An IANA zone name (`Europe/Berlin`, `UTC`), or one sentence naming what was given."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadInput(
            f"unknown time zone {name!r} (--tz or ACTIVITY_SYNC_TZ): give an IANA name "
            "such as Europe/Berlin, America/New_York or UTC"
        ) from None


def _remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value and value.strip():
        ctx.meta[_KEY] = parse_zone(value)


zone_option = click.option(
    "--tz",
    envvar="ACTIVITY_SYNC_TZ",
    default=None,
    expose_value=False,
    callback=_remember,
    metavar="ZONE",
    help="Time zone of the times shown to people, e.g. Europe/Berlin (default: this "
    "machine's); --json output stays in UTC.",
)


def current_zone() -> tzinfo | None:
    """The zone chosen on the command line, or None for this machine's own."""
    ctx = click.get_current_context(silent=True)
    zone: Any = ctx.meta.get(_KEY) if ctx is not None else None
    return zone if isinstance(zone, tzinfo) else None


def _moment(value: str | datetime) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_time(value: str | datetime | None, zone_name: bool = False) -> str:
    """`2026-12-06 10:14:03` in the chosen zone (with its abbreviation when `zone_name`);
    a value that is not a time, such as a bare date, is shown as it is."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str) and len(value.strip()) <= len("2026-12-06"):
        return value
    moment = _moment(value)
    if moment is None:
        return str(value)
    shown = moment.astimezone(current_zone())
    text = shown.strftime(_FORMAT)
    return f"{text} {shown.tzname()}" if zone_name else text


def zone_label() -> str:
    """The chosen zone's name for a column header: `Europe/Berlin`, or this machine's."""
    zone = current_zone()
    if zone is not None:
        return str(getattr(zone, "key", None) or zone)
    return datetime.now().astimezone().tzname() or "local time"
