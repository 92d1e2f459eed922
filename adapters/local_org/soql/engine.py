"""The local org's SOQL engine: parse a statement and evaluate it against a `RecordSource`.

    execute_soql("SELECT Id, Account.Name FROM Contact WHERE Email IN ('a@b.c')", source)

Results have the REST API's record shape (`attributes`, parents as nested records, child
subqueries as `{"totalSize", "done", "records"}`); `SELECT COUNT()` gives an int.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.local_org.soql.ast import Query, SubQuery
from adapters.local_org.soql.errors import SoqlError, malformed
from adapters.local_org.soql.filter import FilterCompiler, Hint, Predicate, choose_hint
from adapters.local_org.soql.parse import MAX_STATEMENT_LENGTH, parse_soql
from adapters.local_org.soql.schema import FieldPath, Lookup, Schema, getter, memoised_lookup
from adapters.local_org.soql.shape import Shaper
from adapters.local_org.soql.source import ChildRelationship, RecordSource
from adapters.local_org.soql.values import order_normaliser, sort_key

__all__ = ["MAX_STATEMENT_LENGTH", "Query", "SoqlError", "execute_soql", "parse_soql"]

Row = dict[str, Any]


@dataclass(frozen=True)
class _Plan:
    """A query bound to one object of one source."""

    sobject: str
    query: Query
    fields: tuple[FieldPath | _ChildPlan, ...]
    predicate: Predicate | None
    hint: Hint | None
    order: tuple[tuple[Callable[[Any], Any], Callable[[Row], Any], bool], ...]


@dataclass(frozen=True)
class _ChildPlan:
    relationship: ChildRelationship
    name: str
    plan: _Plan


class _Context:
    def __init__(self, source: RecordSource, include_deleted: bool, now: datetime) -> None:
        self.source, self.include_deleted, self.now = source, include_deleted, now
        self.schema = Schema(source)
        self.lookup: Lookup = memoised_lookup(source)


def execute_soql(
    text: str,
    source: RecordSource,
    include_deleted: bool = False,
    *,
    version: str = "59.0",
    now: datetime | None = None,
) -> list[dict[str, Any]] | int:
    """Run a statement; `include_deleted` is queryAll. `now` fixes TODAY and LAST_N_DAYS:n."""
    query = parse_soql(text)
    ctx = _Context(source, include_deleted, now or datetime.now(UTC))
    plan = _plan(query, ctx.schema.object_name(query.sobject), ctx)
    rows = _select(plan, ctx.source.records(plan.sobject, include_deleted, plan.hint))
    if query.count:
        return len(rows)
    return Shaper(ctx.lookup, version, lambda child: _children(child, rows, ctx)).records(
        plan.sobject, plan.fields, rows
    )


def _plan(query: Query, sobject: str, ctx: _Context) -> _Plan:
    compiler = FilterCompiler(ctx.schema, sobject, ctx.lookup, ctx.now)
    predicate = compiler.compile(query.where) if query.where is not None else None
    order = []
    for order_item in query.order_by:
        path = ctx.schema.resolve(sobject, order_item.path)
        key = sort_key(order_normaliser(path.info), order_item.nulls_first, order_item.descending)
        order.append((key, getter(path, ctx.lookup), order_item.descending))
    hint = choose_hint(query.where, ctx.schema, sobject) if query.where is not None else None
    fields = _select_fields(query, sobject, ctx)
    return _Plan(sobject, query, fields, predicate, hint, tuple(order))


def _select_fields(query: Query, sobject: str, ctx: _Context) -> tuple[FieldPath | _ChildPlan, ...]:
    fields: list[FieldPath | _ChildPlan] = []
    seen: set[str] = set()
    for item in query.fields:
        field: FieldPath | _ChildPlan
        if isinstance(item, SubQuery):
            field = _child_plan(item, sobject, ctx)
            label = field.name
        else:
            field = ctx.schema.resolve(sobject, item)
            label = field.dotted
        if label.lower() in seen:
            raise malformed(f"duplicate field selected: {label}")
        seen.add(label.lower())
        fields.append(field)
    return tuple(fields)


def _child_plan(item: SubQuery, parent: str, ctx: _Context) -> _ChildPlan:
    relationship = ctx.schema.child(parent, item.query.sobject)
    child = ctx.schema.object_name(relationship.child_object)
    return _ChildPlan(relationship, relationship.name, _plan(item.query, child, ctx))


def _select(plan: _Plan, rows: Iterable[Row]) -> list[Row]:
    """Filter, order and slice rows as the plan says."""
    predicate = plan.predicate
    chosen = [row for row in rows if predicate(row)] if predicate else list(rows)
    for key, read, descending in reversed(plan.order):  # stable sorts, last key first
        chosen.sort(key=_row_key(key, read), reverse=descending)
    start = plan.query.offset or 0
    stop = None if plan.query.limit is None else start + plan.query.limit
    return chosen[start:stop]


def _row_key(key: Callable[[Any], Any], read: Callable[[Row], Any]) -> Callable[[Row], Any]:
    return lambda row: key(read(row))


def _children(child: _ChildPlan, parents: list[Row], ctx: _Context) -> dict[Any, list[Row]]:
    """Each parent's child rows for one subquery, fetched in one call to the source."""
    field = child.relationship.field
    ids = frozenset(row["Id"] for row in parents)
    if not ids:
        return {}
    fetched = ctx.source.records(child.plan.sobject, ctx.include_deleted, (field, ids))
    grouped: dict[Any, list[Row]] = {}
    for row in fetched:
        if row.get(field) in ids:
            grouped.setdefault(row[field], []).append(row)
    return {parent: _select(child.plan, rows) for parent, rows in grouped.items()}
