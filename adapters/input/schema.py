"""The input record's schema (SPEC section 2): every field's type, presence and size, checked.

`check_activity` turns one decoded JSON value into an `Activity`, or raises `FieldError`
naming the first field at fault. Addresses in to/cc/bcc and the actor are not judged here:
an unusable one is the planner's `invalid` outcome (R3), not a refused line. Every address
field takes the display-name form (`Ana Lee <ana@acme.example>`): the address inside is used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from adapters.input.timestamps import parse_timestamp
from domain.addresses import display_problem, is_valid_address, normalise
from domain.model import ACTIVITY_TYPES, ENGAGEMENT_TYPES, Activity, RelatedRecord

MAX_RECIPIENTS = 10_000
MAX_ID = 255
MAX_SUBJECT = 10_000
MAX_BODY = 1024 * 1024
MAX_TEXT = 64 * 1024  # thread_id, url, file_name, actor, sender
NEEDS_ADDRESSES = ("sent", "meeting")
_SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_OBJECT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:__?[A-Za-z0-9]+)*")
_MAX_OBJECT_NAME = 80


class FieldError(ValueError):
    """One field of a record is unusable; `field` is None when the record as a whole is."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


def check_activity(data: Any) -> Activity:
    """The Activity a decoded record describes; FieldError for the first field at fault."""
    if not isinstance(data, dict):
        raise FieldError(None, f"expected a JSON object, got {_kind(data)}")
    activity_id = _required_text(data, "id", MAX_ID).strip()  # ids compare trimmed (R20)
    kind = _required_text(data, "type", MAX_TEXT)
    if kind not in ACTIVITY_TYPES:
        raise FieldError(
            "type", f"unknown type '{_short(kind)}'; known: {', '.join(ACTIVITY_TYPES)}"
        )
    occurred_at = _timestamp(data, "occurred_at", required=True)
    sender = _required_text(data, "sender", MAX_TEXT)
    if not is_valid_address(normalise(sender)):
        problem = display_problem(sender)
        raise FieldError(
            "sender", "not a valid email address" + (f": {problem}" if problem else "")
        )
    to, cc, bcc = _recipients(data, kind)
    actor = _actor(data, kind)
    starts_at, ends_at = _meeting_times(data, kind)
    return Activity(
        id=activity_id,
        type=kind,
        occurred_at=occurred_at or "",
        sender=sender,
        to=to,
        cc=cc,
        bcc=bcc,
        actor=actor,
        subject=_optional_text(data, "subject", MAX_SUBJECT),
        body=_optional_text(data, "body", MAX_BODY),
        thread_id=_optional_text(data, "thread_id", MAX_TEXT),
        is_reply=_optional_bool(data, "is_reply"),
        url=_optional_text(data, "url", MAX_TEXT),
        file_name=_optional_text(data, "file_name", MAX_TEXT),
        related_to=_related_to(data),
        starts_at=starts_at,
        ends_at=ends_at,
    )


# Fields ---------------------------------------------------------------------------


def _required_text(data: Mapping[str, Any], key: str, limit: int, prefix: str = "") -> str:
    value = _optional_text(data, key, limit, prefix)
    if value is None:
        raise FieldError(prefix + key, "missing (required)")
    if not value.strip():
        raise FieldError(prefix + key, "must not be empty")
    return value


def _optional_text(data: Mapping[str, Any], key: str, limit: int, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(prefix + key, f"expected a string, got {_kind(value)}")
    if len(value) > limit:
        raise FieldError(prefix + key, f"{len(value):,} characters, at most {limit:,}")
    return value


def _optional_bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FieldError(key, f"expected true or false, got {_kind(value)}")
    return value


def _timestamp(data: Mapping[str, Any], key: str, required: bool) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise FieldError(key, "missing (required)")
        return None
    if not isinstance(value, str):
        raise FieldError(key, f"expected an RFC 3339 timestamp string, got {_kind(value)}")
    try:
        return parse_timestamp(value)[0]
    except ValueError as error:
        raise FieldError(key, str(error)) from None


def _recipients(data: Mapping[str, Any], kind: str) -> tuple[tuple[str, ...], ...]:
    lists: list[tuple[str, ...]] = []
    total = 0
    for key in ("to", "cc", "bcc"):
        addresses = _address_list(data, key)
        total += len(addresses)
        if total > MAX_RECIPIENTS:
            raise FieldError(key, f"{total:,} recipients in to+cc+bcc, at most {MAX_RECIPIENTS:,}")
        lists.append(addresses)
    if kind in NEEDS_ADDRESSES and not any(a.strip() for addresses in lists for a in addresses):
        raise FieldError("to", f"a {kind} activity needs at least one address in to, cc or bcc")
    return lists[0], lists[1], lists[2]


def _address_list(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FieldError(key, f"expected a list of email addresses, got {_kind(value)}")
    if len(value) > MAX_RECIPIENTS:
        raise FieldError(key, f"{len(value):,} recipients, at most {MAX_RECIPIENTS:,}")
    for position, item in enumerate(value):
        if not isinstance(item, str):
            raise FieldError(f"{key}[{position}]", f"expected a string, got {_kind(item)}")
        if len(item) > MAX_TEXT:
            raise FieldError(
                f"{key}[{position}]", f"{len(item):,} characters, at most {MAX_TEXT:,}"
            )
    return tuple(value)


def _actor(data: Mapping[str, Any], kind: str) -> str | None:
    if kind in ENGAGEMENT_TYPES:
        return _required_text(data, "actor", MAX_TEXT)
    return _optional_text(data, "actor", MAX_TEXT)


def _meeting_times(data: Mapping[str, Any], kind: str) -> tuple[str | None, str | None]:
    required = kind == "meeting"
    starts_at = _timestamp(data, "starts_at", required)
    ends_at = _timestamp(data, "ends_at", required)
    if starts_at and ends_at and parse_timestamp(starts_at)[1] > parse_timestamp(ends_at)[1]:
        raise FieldError("ends_at", "the meeting ends before it starts (ends_at < starts_at)")
    return starts_at, ends_at


def _related_to(data: Mapping[str, Any]) -> RelatedRecord | None:
    value = data.get("related_to")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FieldError("related_to", f'expected {{"object": ..., "id": ...}}, got {_kind(value)}')
    name = _required_text(value, "object", _MAX_OBJECT_NAME, "related_to.")
    record_id = _required_text(value, "id", MAX_ID, "related_to.")
    return RelatedRecord(
        object=_checked(
            name, "related_to.object", _OBJECT_NAME.fullmatch, "not an object API name"
        ),
        id=_checked(record_id, "related_to.id", _SALESFORCE_ID.fullmatch, "not a Salesforce id"),
    )


def _checked(value: str, field: str, test: Callable[[str], object], reason: str) -> str:
    if not test(value):
        raise FieldError(field, f"{reason} ('{_short(value)}')")
    return value


# Words for messages -----------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(text: str, width: int = 40) -> str:
    shown = text if len(text) <= width else text[: width - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
