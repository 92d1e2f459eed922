"""RFC 3339 timestamps as the input accepts them: a full date and time WITH an offset or Z."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

MAX_LENGTH = 64
EXAMPLE = "2026-11-26T10:00:00+01:00"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TIMESTAMP = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})?",
    re.ASCII,
)


def parse_timestamp(value: str) -> tuple[str, datetime]:
    """The timestamp in its canonical spelling (`T`, `Z` upper-case) and as an aware datetime.

    Raises ValueError with a reason fit for a rejection message.
    """
    text = value.strip()
    match = _TIMESTAMP.fullmatch(text) if len(text) <= MAX_LENGTH else None
    if match is None:
        if _DATE.fullmatch(text):
            raise ValueError(f"a date alone is not a timestamp; expected e.g. {EXAMPLE}")
        raise ValueError(f"not an RFC 3339 timestamp; expected e.g. {EXAMPLE}")
    if match["offset"] is None:
        raise ValueError("timestamp needs an offset or Z")
    try:
        moment = _moment(match)
    except ValueError as error:
        raise ValueError(f"impossible date or time ({error})") from None
    canonical = f"{match['date']}T{text[11:]}"
    return canonical[:-1] + "Z" if canonical.endswith("z") else canonical, moment


def _moment(match: re.Match[str]) -> datetime:
    year, month, day = (int(part) for part in match["date"].split("-"))
    micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
    return datetime(
        year,
        month,
        day,
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"]),
        micro,
        tzinfo=_zone(match["offset"]),
    )


def _zone(offset: str) -> timezone:
    if offset in ("Z", "z"):
        return UTC
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {offset} out of range")
    sign = -1 if offset[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
