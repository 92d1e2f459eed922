"""Resolving SOQL names against a `RecordSource`: objects, fields and relationship paths.

Names are case-insensitive; results carry the canonical API names the source reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.local_org.soql.errors import (
    malformed,
    unknown_child_relationship,
    unknown_field,
    unknown_object,
    unknown_relationship,
)
from adapters.local_org.soql.source import ChildRelationship, FieldInfo, RecordSource

# A polymorphic relationship (Who, What, Owner of several types) reaches the fields of
# Salesforce's "Name" entity only, whatever the record's real type.
_NAME_ENTITY = {
    f.name.lower(): f
    for f in (
        FieldInfo("Id", "id"),
        FieldInfo("Name", "string"),
        FieldInfo("Type", "string"),
        FieldInfo("Alias", "string"),
        FieldInfo("Email", "email"),
        FieldInfo("FirstName", "string"),
        FieldInfo("LastName", "string"),
        FieldInfo("Phone", "phone"),
        FieldInfo("Title", "string"),
        FieldInfo("IsActive", "boolean"),
        FieldInfo("Username", "string"),
    )
}
MAX_RELATIONSHIP_HOPS = 5

Lookup = Callable[[Any], "tuple[str, dict[str, Any]] | None"]


@dataclass(frozen=True)
class Step:
    """One hop to a parent: the reference field holding its id and the relationship's name."""

    ref_field: str
    name: str


@dataclass(frozen=True)
class FieldPath:
    """A resolved field, possibly through parents (`Account.Owner.Email`)."""

    steps: tuple[Step, ...]
    field: str
    info: FieldInfo
    polymorphic: bool = False

    @property
    def dotted(self) -> str:
        return ".".join([*(s.name for s in self.steps), self.field])


class Schema:
    """Case-insensitive views of the source's objects, fields and child relationships."""

    def __init__(self, source: RecordSource) -> None:
        self._source = source
        self._objects = {name.lower(): name for name in source.object_names()}
        self._fields: dict[str, dict[str, FieldInfo]] = {}

    def object_name(self, name: str) -> str:
        canonical = self._objects.get(name.lower())
        if canonical is None:
            raise unknown_object(name)
        return canonical

    def fields(self, sobject: str) -> dict[str, FieldInfo]:
        if sobject not in self._fields:
            found = self._source.fields(sobject) or {}
            self._fields[sobject] = {name.lower(): info for name, info in found.items()}
        return self._fields[sobject]

    def child(self, sobject: str, name: str) -> ChildRelationship:
        for rel_name, rel in self._source.child_relationships(sobject).items():
            if rel_name.lower() == name.lower() and rel.child_object.lower() in self._objects:
                return rel
        raise unknown_child_relationship(name)

    def resolve(self, sobject: str, path: tuple[str, ...]) -> FieldPath:
        if len(path) > MAX_RELATIONSHIP_HOPS + 1:
            raise malformed(f"{'.'.join(path)}: at most {MAX_RELATIONSHIP_HOPS} parent levels")
        steps: list[Step] = []
        current = sobject
        for index, name in enumerate(path[:-1]):
            ref = self._relationship(current, name)
            steps.append(Step(ref.name, ref.relationship_name or name))
            if len(ref.reference_to) > 1:
                return _name_entity_path(tuple(steps), path[index + 1 :])
            if ref.reference_to[0].lower() not in self._objects:
                raise unknown_relationship(name)
            current = self._objects[ref.reference_to[0].lower()]
        info = self.fields(current).get(path[-1].lower())
        if info is None:
            raise unknown_field(path[-1], current)
        return FieldPath(tuple(steps), info.name, info)

    def _relationship(self, sobject: str, name: str) -> FieldInfo:
        for info in self.fields(sobject).values():
            named = info.relationship_name or ""
            if named.lower() == name.lower() and info.reference_to:
                return info
        raise unknown_relationship(name)


def _name_entity_path(steps: tuple[Step, ...], rest: tuple[str, ...]) -> FieldPath:
    if len(rest) > 1:
        raise unknown_relationship(rest[0])
    info = _NAME_ENTITY.get(rest[0].lower())
    if info is None:
        raise unknown_field(rest[0], "Name")
    return FieldPath(steps, info.name, info, polymorphic=True)


def memoised_lookup(source: RecordSource) -> Lookup:
    """`source.get` remembered for one execution (parents repeat across rows)."""
    seen: dict[str, tuple[str, dict[str, Any]] | None] = {}

    def lookup(record_id: Any) -> tuple[str, dict[str, Any]] | None:
        if not record_id:
            return None
        if record_id not in seen:
            seen[record_id] = source.get(record_id)
        return seen[record_id]

    return lookup


def getter(path: FieldPath, lookup: Lookup) -> Callable[[dict[str, Any]], Any]:
    """A function reading the path's value from a row (None when a parent is missing)."""
    field, steps = path.field, path.steps
    if not steps:
        return lambda row: row.get(field)
    wants_type = path.polymorphic and field == "Type"

    def read(row: dict[str, Any]) -> Any:
        sobject, current = "", row
        for step in steps:
            found = lookup(current.get(step.ref_field))
            if found is None:
                return None
            sobject, current = found
        return sobject if wants_type else current.get(field)

    return read
