"""The contract between the local org's storage and its SOQL engine.

The storage (`adapters/local_org/org_source.py`) implements `RecordSource`; the SOQL engine
(`adapters/local_org/soql/engine.py`) parses a statement and evaluates it against any
`RecordSource`. Values are plain Python: str, int, float, bool, None; dates as
`YYYY-MM-DD` strings and datetimes as `YYYY-MM-DDTHH:MM:SS.000+0000` strings (UTC),
as the REST API returns them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class FieldInfo:
    """One queryable field of an object, as describe reports it."""

    name: str  # API name, e.g. "AccountId"
    type: str  # id | reference | string | email | boolean | int | double | date | datetime | textarea | picklist
    filterable: bool = True
    reference_to: tuple[str, ...] = ()  # for references: target objects ("Contact", "Lead")
    relationship_name: str | None = None  # for references: "Account", "Who", "What", "Owner"


@dataclass(frozen=True)
class ChildRelationship:
    """A child relationship usable in a subquery, e.g. Task.TaskRelations."""

    name: str  # "TaskRelations"
    child_object: str  # "TaskRelation"
    field: str  # the child's reference field to the parent: "TaskId"


class RecordSource(Protocol):
    """What the SOQL engine needs from the storage."""

    def object_names(self) -> Iterable[str]:
        """Objects that exist now (TaskRelation etc. only when shared activities is on)."""

    def fields(self, sobject: str) -> Mapping[str, FieldInfo] | None:
        """The object's fields keyed by API name, or None when the object does not exist."""

    def child_relationships(self, sobject: str) -> Mapping[str, ChildRelationship]:
        """Child relationships keyed by relationship name."""

    def records(
        self,
        sobject: str,
        include_deleted: bool = False,
        hint: tuple[str, frozenset[Any]] | None = None,
    ) -> Iterable[dict[str, Any]]:
        """Every row of the object (field name -> value, always including "Id").

        `hint` is an optional pushdown: (field, values) meaning "only rows whose field is one of
        these values are needed" (strings compared case-insensitively). The source may ignore it
        and return more rows; the SOQL engine always re-checks the full WHERE clause.
        """

    def get(self, record_id: str) -> tuple[str, dict[str, Any]] | None:
        """(object name, row) for any id (used to follow polymorphic parents like Who and What)."""
