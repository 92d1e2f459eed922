"""How the SOQL engine compares values: by field type, case-insensitively for text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from adapters.local_org.soql.ast import Literal
from adapters.local_org.soql.errors import (
    INVALID_QUERY_FILTER_OPERATOR,
    SoqlError,
    invalid_id,
    wrong_value_type,
)
from adapters.local_org.soql.literals import date_range
from adapters.local_org.soql.source import FieldInfo

ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent", "long"})
DATE_TYPES = frozenset({"date", "datetime"})
NON_TEXT = ID_TYPES | NUMBER_TYPES | DATE_TYPES | {"boolean"}
_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
# The literal kind each family of field types accepts, and its name in Salesforce's refusal.
_SOAP_TYPES = {"boolean": "boolean", "date": "date", "datetime": "dateTime", "id": "id"}


def is_text(info: FieldInfo) -> bool:
    return info.type not in NON_TEXT


def normaliser(info: FieldInfo) -> Callable[[Any], Any]:
    """Maps a stored value to the domain it is compared and sorted in."""
    kind = info.type
    if kind in ID_TYPES:
        return lambda v: v[:15] if v else None  # a 15-character id equals its 18-character form
    if kind == "date":
        return lambda v: date.fromisoformat(v) if isinstance(v, str) else v
    if kind == "datetime":
        return lambda v: datetime.fromisoformat(v) if isinstance(v, str) else v
    if kind == "boolean" or kind in NUMBER_TYPES:
        return lambda v: v
    return lambda v: v.casefold() if isinstance(v, str) and v else None if v == "" else v


def order_normaliser(info: FieldInfo) -> Callable[[Any], Any]:
    """Maps a stored value to the domain ORDER BY sorts it in: text upper-cased, as Salesforce
    compares text in English locales (so 'aab' sorts before 'a_b'); other types as compared."""
    if is_text(info):
        return lambda v: v.upper() if isinstance(v, str) and v else None if v == "" else v
    return normaliser(info)


def _soap_type(info: FieldInfo) -> str:
    if info.type in NUMBER_TYPES:
        return "double" if info.type != "int" else "int"
    return _SOAP_TYPES.get("id" if info.type in ID_TYPES else info.type, "string")


def coerce(literal: Literal, info: FieldInfo) -> Any:
    """The literal in the field's comparison domain; a literal of the wrong type is refused."""
    kind, value = literal.kind, literal.value
    if kind == "null":
        return None
    expected = {
        "string": is_text(info) or info.type in ID_TYPES,
        "number": info.type in NUMBER_TYPES,
        "boolean": info.type == "boolean",
        "date": info.type == "date",
        "datetime": info.type == "datetime",
        "date_range": info.type in DATE_TYPES,
    }[kind]
    if not expected:
        quoted = is_text(info) or info.type in ID_TYPES
        raise wrong_value_type(info.name, _soap_type(info), quoted)
    if kind == "string" and info.type in ID_TYPES and value and not _ID.fullmatch(value):
        raise invalid_id(value)
    if kind == "date_range":
        return value
    return normaliser(info)(value)


def bounds(word_n: tuple[str, int], info: FieldInfo, now: datetime) -> tuple[Any, Any]:
    """[low, high) of a relative date literal in the field's domain (UTC days)."""
    low, high = date_range(word_n[0], word_n[1], now.astimezone(UTC).date())
    if info.type == "date":
        return low, high
    return datetime.combine(low, time(), UTC), datetime.combine(high, time(), UTC)


def compare_fn(op: str, target: Any) -> Callable[[Any], bool]:
    """A test of a normalised value against a normalised target (None never orders)."""
    if op == "=":
        return lambda v: v == target
    if op == "!=":
        return lambda v: v != target
    if target is None:
        return lambda v: False
    tests: dict[str, Callable[[Any], bool]] = {
        "<": lambda v: v is not None and v < target,
        "<=": lambda v: v is not None and v <= target,
        ">": lambda v: v is not None and v > target,
        ">=": lambda v: v is not None and v >= target,
    }
    return tests[op]


def range_fn(op: str, low: Any, high: Any) -> Callable[[Any], bool]:
    """A relative date literal stands for its whole range, as in Salesforce."""
    tests: dict[str, Callable[[Any], bool]] = {
        "=": lambda v: v is not None and low <= v < high,
        "!=": lambda v: v is None or not low <= v < high,
        "<": lambda v: v is not None and v < low,
        "<=": lambda v: v is not None and v < high,
        ">": lambda v: v is not None and v >= high,
        ">=": lambda v: v is not None and v >= low,
    }
    return tests[op]


def sort_key(
    normalise: Callable[[Any], Any], nulls_first: bool, descending: bool
) -> Callable[[Any], tuple[int, Any]]:
    """A key putting nulls where asked whatever the direction (the sort may be reversed)."""
    null_flag = 0 if nulls_first != descending else 1
    value_flag = 1 - null_flag

    def key(value: Any) -> tuple[int, Any]:
        nv = normalise(value) if value is not None else None
        return (null_flag, None) if nv is None else (value_flag, nv)

    return key


def check_like(info: FieldInfo) -> None:
    if not (is_text(info) or info.type in ID_TYPES):
        raise SoqlError(
            INVALID_QUERY_FILTER_OPERATOR,
            f"invalid operator on {info.type} field: LIKE on '{info.name}'",
        )
