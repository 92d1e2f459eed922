"""The storage seen through the SOQL engine's `RecordSource` contract, with indexed pushdown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from adapters.local_org import archive
from adapters.local_org.activities import CONTACT
from adapters.local_org.ids import canonical_id
from adapters.local_org.schema import catalog
from adapters.local_org.schema.model import Field, SObjectType
from adapters.local_org.soql.source import ChildRelationship, FieldInfo
from adapters.local_org.store import Store

_SOQL_TYPES = {
    "combobox": "string",
    "phone": "string",
    "url": "string",
    "currency": "double",
    "percent": "double",
}


def _info(f: Field) -> FieldInfo:
    return FieldInfo(
        name=f.name,
        type=_SOQL_TYPES.get(f.type, f.type),
        filterable=f.filterable,
        reference_to=f.reference_to,
        relationship_name=f.relationship,
    )


@cache
def _fields(name: str, shared: bool) -> dict[str, FieldInfo]:
    obj = catalog.all_objects()[name]
    return {f.name: _info(f) for f in obj.visible_fields(shared)}


@cache
def _children(name: str, shared: bool) -> dict[str, ChildRelationship]:
    obj = catalog.all_objects()[name]
    return {
        c.name: ChildRelationship(c.name, c.child_object, c.field)
        for c in obj.children
        if (shared or not c.shared_only) and catalog.find(c.child_object, shared) is not None
    }


class StoreSource:
    """A `RecordSource` over the store; call it with the store's lock held."""

    def __init__(self, store: Store, shared: bool, archive_after_days: int | None = None) -> None:
        self.store = store
        self.shared = shared
        self.first_kept = archive.cutoff(archive_after_days)  # older activities are archived

    def object_names(self) -> Iterable[str]:
        return [o.name for o in catalog.visible(self.shared)]

    def fields(self, sobject: str) -> Mapping[str, FieldInfo] | None:
        obj = catalog.find(sobject, self.shared)
        return None if obj is None else _fields(obj.name, self.shared)

    def child_relationships(self, sobject: str) -> Mapping[str, ChildRelationship]:
        obj = catalog.find(sobject, self.shared)
        return {} if obj is None else _children(obj.name, self.shared)

    def records(
        self,
        sobject: str,
        include_deleted: bool = False,
        hint: tuple[str, frozenset[Any]] | None = None,
        include_archived: bool | None = None,
    ) -> Iterable[dict[str, Any]]:
        """`include_deleted` is queryAll, which also shows archived activities; reads by Id
        pass `include_archived=True` alone."""
        obj = catalog.find(sobject, self.shared)
        if obj is None:
            return []
        base = obj.view_of or obj.name
        rows = self._rows(obj, base, include_deleted, hint)
        if self.first_kept and obj.name in archive.ARCHIVED_OBJECTS:
            archive.mark(obj.name, rows, self.first_kept)
            if not (include_deleted if include_archived is None else include_archived):
                rows = [r for r in rows if not r["IsArchived"]]
        if obj.view_of:
            return [_who_view(obj, r) for r in rows if not r["IsWhat"] and r.get("IsParent", True)]
        if not self.shared:
            hidden = [f.name for f in obj.fields if f.shared_only]
            for row in rows:
                for name in hidden:
                    row.pop(name, None)
        return rows

    def get(self, record_id: str) -> tuple[str, dict[str, Any]] | None:
        obj = catalog.for_prefix(record_id[:3]) if isinstance(record_id, str) else None
        if obj is None or catalog.find(obj.name, self.shared) is None:
            return None
        row = self.store.get(obj.name, record_id)
        if row is None or row["IsDeleted"]:
            return None
        return obj.name, row

    def _rows(
        self,
        obj: SObjectType,
        base: str,
        include_deleted: bool,
        hint: tuple[str, frozenset[Any]] | None,
    ) -> list[dict[str, Any]]:
        if hint is not None:
            field = obj.field(hint[0], self.shared)
            values = hint[1]
            if field is not None and field.lookup_indexed and _index_safe(values):
                if field.type in ("id", "reference"):
                    values = values | {canonical_id(v) for v in values if isinstance(v, str)} - {
                        None
                    }
                return self.store.find(base, field.name, values, include_deleted)
        return self.store.scan(base, include_deleted)


def _index_safe(values: frozenset[Any]) -> bool:
    """SQLite's NOCASE folds ASCII only: other text falls back to a full scan (still correct)."""
    return all(not isinstance(v, str) or v.isascii() for v in values) and None not in values


def _who_view(obj: SObjectType, row: dict[str, Any]) -> dict[str, Any]:
    kind = obj.name.removesuffix("WhoRelation")
    relation_id = row["RelationId"]
    return {
        "Id": row["Id"],
        "IsDeleted": row["IsDeleted"],
        "CreatedDate": row["CreatedDate"],
        "CreatedById": row["CreatedById"],
        "LastModifiedDate": row["LastModifiedDate"],
        "LastModifiedById": row["LastModifiedById"],
        "SystemModstamp": row["SystemModstamp"],
        f"{kind}Id": row[f"{kind}Id"],
        "RelationId": relation_id,
        "Type": "Contact" if relation_id.startswith(CONTACT) else "Lead",
        "AccountId": row["AccountId"],
    }
