"""The parsed shape of a SOQL statement: immutable, so parsed statements can be cached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Literal:
    """A value written in the statement.

    kind is one of: string, number, date, datetime, null, boolean, date_range. `value` holds the
    decoded Python value (str, int/float, date, aware datetime, None, bool, or for date_range the
    (word, n) of a relative date literal such as ("LAST_N_DAYS", 7)). `text` is as written.
    """

    kind: str
    value: Any
    text: str


@dataclass(frozen=True)
class LikePattern:
    """A LIKE pattern: `%` and `_` wildcards, `\\%` and `\\_` literal; case-insensitive."""

    regex: re.Pattern[str]
    text: str


@dataclass(frozen=True)
class Compare:
    path: tuple[str, ...]
    op: str  # one of = != < <= > >=  ("<>" is normalised to "!=")
    value: Literal


@dataclass(frozen=True)
class InList:
    path: tuple[str, ...]
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class Like:
    path: tuple[str, ...]
    pattern: LikePattern


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | InList | Like | And | Or | Not


@dataclass(frozen=True)
class OrderItem:
    path: tuple[str, ...]
    descending: bool
    nulls_first: bool


@dataclass(frozen=True)
class SubQuery:
    query: Query


@dataclass(frozen=True)
class Query:
    """SELECT fields FROM sobject [WHERE] [ORDER BY] [LIMIT] [OFFSET]; `count` for COUNT()."""

    sobject: str
    fields: tuple[tuple[str, ...] | SubQuery, ...]
    count: bool = False
    where: Condition | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
