"""Checking and normalising field values as Salesforce does when a record is written."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from adapters.local_org.assumptions import BAD_VALUE_CODE, WRONG_REFERENCE_TYPE_CODE
from adapters.local_org.errors import SfError, unknown_field
from adapters.local_org.ids import canonical_id
from adapters.local_org.schema import catalog
from adapters.local_org.schema.model import STRING_TYPES, Field, SObjectType, label

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # lax on purpose: see assumptions
_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?$"
)
_NOT_WRITABLE = (
    "Unable to create/update fields: {name}. Please check the security settings of this field "
    "and verify that it is read/write for your profile or permission set."
)


def format_datetime(moment: datetime) -> str:
    """Salesforce's datetime form: `2026-01-31T10:00:00.000+0000` (UTC)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def now() -> str:
    return format_datetime(datetime.now(UTC))


def coerce_body(obj: SObjectType, body: dict[str, Any], shared: bool, op: str) -> dict[str, Any]:
    """Field values of a body for `op` "create", "update" or "upsert-update", checked and
    normalised. A field that is createable but not updateable (TaskSubtype) is refused in any
    write that updates a record, even with the value it already holds (assumptions)."""
    fields: list[tuple[Field, Any]] = []
    for key, raw in body.items():
        if key == "attributes":
            continue
        f = obj.field(key, shared)
        if f is None:
            raise unknown_field(key, obj.name)
        if f.name == "Id":
            if op == "create":
                raise SfError(
                    "INVALID_FIELD",
                    "The Id field should not be specified in the sobject data.",
                    ["Id"],
                )
            continue
        fields.append((f, raw))
    # an upsert that updates a record is an update: createable-only fields are refused
    refused = [f.name for f, _ in fields if not (f.create if op == "create" else f.update)]
    if refused:
        raise SfError(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            _NOT_WRITABLE.format(name=", ".join(refused)),
            refused,
        )
    return {f.name: coerce_value(f, raw) for f, raw in fields}


def coerce_value(f: Field, raw: Any) -> Any:
    if raw is None or (raw == "" and f.type in STRING_TYPES):
        return False if f.type == "boolean" else None
    if f.type in ("reference", "id"):
        return reference(f, raw)
    if f.type == "junctionidlist":
        if not isinstance(raw, list):
            raise _bad(f, raw)
        targets = catalog.WHO_TARGETS
        return list(dict.fromkeys(reference(f, item, targets) for item in raw))
    if f.type in STRING_TYPES:
        return _string(f, raw)
    if f.type == "boolean":
        return _boolean(f, raw)
    if f.type == "int":
        return _number(f, raw, integer=True)
    if f.type in ("double", "currency", "percent"):
        return _number(f, raw, integer=False)
    if f.type == "date":
        return _date(f, raw)
    if f.type == "datetime":
        return _datetime(f, raw)
    raise _bad(f, raw)


def reference(f: Field, raw: Any, targets: tuple[str, ...] | None = None) -> str:
    """A well-formed 18-character id whose prefix is one of the field's target objects."""
    found = canonical_id(raw) if isinstance(raw, str) else None
    if found is None:
        raise SfError("MALFORMED_ID", f"{label(f)}: id value of incorrect type: {raw}", [f.name])
    allowed = targets if targets is not None else f.reference_to
    obj = catalog.for_prefix(found[:3])
    if allowed and (obj is None or obj.name not in allowed):
        raise SfError(
            WRONG_REFERENCE_TYPE_CODE, f"{label(f)}: id value of incorrect type: {found}", [f.name]
        )
    return found


def _bad(f: Field, raw: Any) -> SfError:
    kind = type(raw).__name__
    return SfError(
        BAD_VALUE_CODE,
        f"Cannot deserialize instance of {f.type} from {kind} value {raw!r} "
        f"or request may be missing a required field",
        [f.name],
    )


def _string(f: Field, raw: Any) -> str:
    if isinstance(raw, bool):
        value = "true" if raw else "false"
    elif isinstance(raw, int | float):
        value = str(raw)
    elif isinstance(raw, str):
        value = raw
    else:
        raise _bad(f, raw)
    if f.length and len(value) > f.length:
        raise SfError(
            "STRING_TOO_LONG",
            f"{label(f)}: data value too large: {value[:80]} (max length={f.length})",
            [f.name],
        )
    if f.type == "email" and not _EMAIL.match(value):
        raise SfError(
            "INVALID_EMAIL_ADDRESS", f"{label(f)}: invalid email address: {value}", [f.name]
        )
    if f.restricted and value not in f.picklist:
        raise SfError(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{label(f)}: bad value for restricted picklist field: {value}",
            [f.name],
        )
    return value


def _boolean(f: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise _bad(f, raw)


def _number(f: Field, raw: Any, integer: bool) -> int | float:
    if isinstance(raw, bool):
        raise _bad(f, raw)
    try:
        value = float(raw) if isinstance(raw, str | int | float) else None
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")):
        raise _bad(f, raw)
    if integer:
        if not value.is_integer():
            raise _bad(f, raw)
        return int(value)
    return value


def _date(f: Field, raw: Any) -> str:
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    raise _bad(f, raw)


def _datetime(f: Field, raw: Any) -> str:
    match = _DATETIME.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise _bad(f, raw)
    day, hour, minute, second, fraction, zone = match.groups()
    text = f"{day}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if fraction:
        text += "." + fraction.ljust(6, "0")
    zone = zone or "Z"
    text += "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        return format_datetime(datetime.fromisoformat(text))
    except ValueError as error:
        raise _bad(f, raw) from error
