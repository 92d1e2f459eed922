"""Plan entries: one activity's items (changes, findings) and what applying them needs.

Plain data with `to_dict`/`from_dict`, kept one per line in the plan document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "create",
    "delete",
    "relate",
    "unrelate",
    "rewhat",
    "update",
    "adopt",
    "missing_in_org",  # made by older versions only: a deletion is now `deleted_in_org`
    "edited_in_org",
    "deleted_in_org",
)


@dataclass(frozen=True)
class Item:
    """One change (or finding) for one sync key."""

    kind: str
    sync_key: str
    sobject: str = "Task"
    salesforce_id: str | None = None
    who_ids: tuple[str, ...] = ()  # create/delete: the Task's people; relate/unrelate: the change
    what_from: str | None = None
    what_to: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "sync_key": self.sync_key}
        data["sobject"] = self.sobject
        for name in ("salesforce_id", "what_from", "what_to", "detail"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.who_ids:
            data["who_ids"] = list(self.who_ids)
        if self.kind == "rewhat":
            data["what_from"], data["what_to"] = self.what_from, self.what_to
        return data


@dataclass(frozen=True)
class ActivityDiff:
    """Everything replay found for one activity, and what applying it needs."""

    activity_id: str
    aggregate_id: str
    version: int
    items: tuple[Item, ...] = ()
    adopted: Mapping[str, str] = field(default_factory=dict)  # planned key -> kept key
    reform: tuple[str, ...] = ()  # unchanged in the plan, but the org drifted: write again
    held: bool = False  # a record was edited in the org by a person

    @property
    def changed(self) -> bool:
        return bool(self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "activity_id": self.activity_id,
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "held": self.held,
            "adopted": dict(self.adopted),
            "reform": list(self.reform),
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActivityDiff:
        items = tuple(
            Item(**{**i, "who_ids": tuple(i.get("who_ids") or ())}) for i in data["items"]
        )
        return cls(
            activity_id=data["activity_id"],
            aggregate_id=data["aggregate_id"],
            version=int(data["version"]),
            items=items,
            adopted=dict(data.get("adopted") or {}),
            reform=tuple(data.get("reform") or ()),
            held=bool(data.get("held")),
        )
