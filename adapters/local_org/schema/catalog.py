"""The objects of the local org, and which of them exist for a given shared-activities setting."""

from __future__ import annotations

from functools import cache

from adapters.local_org.schema.model import Child, SObjectType
from adapters.local_org.schema.objects_activities import (
    CLOSED_TASK_STATUSES,
    SYNC_KEY,
    TASK_STATUSES,
    WHAT_TARGETS,
    WHO_TARGETS,
    activity_objects,
)
from adapters.local_org.schema.objects_crm import CLOSED_STAGES, STAGES, crm_objects

__all__ = [
    "CLOSED_STAGES",
    "CLOSED_TASK_STATUSES",
    "STAGES",
    "SYNC_KEY",
    "TASK_STATUSES",
    "WHAT_TARGETS",
    "WHO_TARGETS",
    "Child",
    "all_objects",
    "find",
    "for_prefix",
    "stored",
    "visible",
]


@cache
def all_objects() -> dict[str, SObjectType]:
    """Every object the local org knows, keyed by API name (shared-only ones included)."""
    return {o.name: o for o in crm_objects() + activity_objects()}


@cache
def _by_lower() -> dict[str, SObjectType]:
    return {name.lower(): obj for name, obj in all_objects().items()}


@cache
def _by_prefix() -> dict[str, SObjectType]:
    found: dict[str, SObjectType] = {}
    for obj in all_objects().values():
        if obj.view_of is None:
            found.setdefault(obj.prefix, obj)
    return found


def find(name: str, shared: bool) -> SObjectType | None:
    """The object called `name` (any case) if it exists under this shared-activities setting."""
    obj = _by_lower().get(name.lower())
    if obj is None or (obj.shared_only and not shared):
        return None
    return obj


def for_prefix(prefix: str) -> SObjectType | None:
    """The stored object whose ids start with `prefix` (views excluded)."""
    return _by_prefix().get(prefix)


def visible(shared: bool) -> list[SObjectType]:
    return [o for o in all_objects().values() if shared or not o.shared_only]


def stored() -> list[SObjectType]:
    """Objects that have a table (the views read their base table)."""
    return [o for o in all_objects().values() if o.view_of is None]
