"""Compiling a WHERE clause into a row predicate, and choosing the storage pushdown hint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from adapters.local_org.soql import values
from adapters.local_org.soql.ast import And, Compare, Condition, InList, Like, Literal, Not, Or
from adapters.local_org.soql.errors import not_filterable, unsupported
from adapters.local_org.soql.schema import FieldPath, Lookup, Schema, getter

Predicate = Callable[[dict[str, Any]], bool]
Hint = tuple[str, frozenset[Any]]


class FilterCompiler:
    """Turns conditions on one object into predicates over its rows."""

    def __init__(self, schema: Schema, sobject: str, lookup: Lookup, now: datetime) -> None:
        self._schema, self._sobject, self._lookup, self._now = schema, sobject, lookup, now

    def compile(self, condition: Condition) -> Predicate:
        if isinstance(condition, And):
            parts = [self.compile(c) for c in condition.items]
            return lambda row: all(p(row) for p in parts)
        if isinstance(condition, Or):
            parts = [self.compile(c) for c in condition.items]
            return lambda row: any(p(row) for p in parts)
        if isinstance(condition, Not):
            inner = self.compile(condition.item)
            return lambda row: not inner(row)
        path = self._field(condition.path)
        read, normalise = getter(path, self._lookup), values.normaliser(path.info)
        test = self._test(condition, path)
        if isinstance(condition, Like):
            return lambda row: test(read(row))
        return lambda row: test(normalise(value) if (value := read(row)) is not None else None)

    def _field(self, dotted: tuple[str, ...]) -> FieldPath:
        path = self._schema.resolve(self._sobject, dotted)
        if not path.info.filterable:
            raise not_filterable(path.field)
        return path

    def _test(self, condition: Compare | InList | Like, path: FieldPath) -> Callable[[Any], bool]:
        info = path.info
        if isinstance(condition, Like):
            values.check_like(info)
            regex = condition.pattern.regex
            # An empty text is a null in Salesforce, and a null matches no pattern.
            return lambda v: v not in (None, "") and regex.fullmatch(str(v)) is not None
        if isinstance(condition, InList):
            if any(lit.kind == "date_range" for lit in condition.values):
                raise unsupported("A relative date literal inside IN")
            members = frozenset(values.coerce(lit, info) for lit in condition.values)
            if condition.negated:
                return lambda v: v not in members
            return lambda v: v in members
        target = values.coerce(condition.value, info)
        if condition.value.kind == "date_range":
            low, high = values.bounds(target, info, self._now)
            return values.range_fn(condition.op, low, high)
        return values.compare_fn(condition.op, target)


_HINT_RANK_BY_TYPE = {"id": 0, "email": 2, "reference": 3}
_HINTABLE = values.ID_TYPES | {"string", "email", "picklist", "phone", "url", "textarea"}


def choose_hint(condition: Condition | None, schema: Schema, sobject: str) -> Hint | None:
    """The most selective top-level `Field = value` / `Field IN (...)` conjunct, if any.

    Ranked Id first, then external-id-like custom text fields, Email, references, other text;
    fewer values first within a rank. The caller still checks the whole WHERE clause.
    """
    conjuncts = condition.items if isinstance(condition, And) else (condition,)
    best: tuple[tuple[int, int], Hint] | None = None
    for item in conjuncts:
        candidate = _hint_of(item, schema, sobject)
        if candidate and (best is None or candidate[0] < best[0]):
            best = candidate
    return best[1] if best else None


def _hint_of(
    item: Condition | None, schema: Schema, sobject: str
) -> tuple[tuple[int, int], Hint] | None:
    if isinstance(item, Compare) and item.op == "=":
        literals: tuple[Literal, ...] = (item.value,)
    elif isinstance(item, InList) and not item.negated:
        literals = item.values
    else:
        return None
    if len(item.path) != 1 or any(lit.kind != "string" or not lit.value for lit in literals):
        return None
    path = schema.resolve(sobject, item.path)
    info = path.info
    if info.type not in _HINTABLE or not info.filterable:
        return None
    if info.type in values.ID_TYPES and any(len(lit.value) != 18 for lit in literals):
        return None  # 15-character ids would not match the stored 18-character form
    rank = _HINT_RANK_BY_TYPE.get(info.type, 1 if info.name.endswith("__c") else 4)
    return (rank, len(literals)), (info.name, frozenset(lit.value for lit in literals))
