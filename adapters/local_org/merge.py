"""Merging records as the Partner API's merge does it: up to two others into a master.

The others go to the recycle bin with MasterRecordId set to the master; what pointed at them
(a Contact's or Lead's places on Tasks and Events, contact roles; an Account's contacts,
opportunities and activities) points at the master, with no duplicate relation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org import recycle_bin
from adapters.local_org.activities import KINDS, Kind
from adapters.local_org.errors import SfError
from adapters.local_org.ids import canonical_id
from adapters.local_org.record_checks import check_referable
from adapters.local_org.schema import catalog

if TYPE_CHECKING:
    from adapters.local_org.records import Writer

Row = dict[str, Any]
MERGEABLE = ("Account", "Contact", "Lead")
# Account children moved to the master: (object, field)
_ACCOUNT_CHILDREN = (
    ("Contact", "AccountId"),
    ("Opportunity", "AccountId"),
    (a.CUSTOM_OBJECT, "Account__c"),
    ("Account", "ParentId"),
)


@dataclass(frozen=True)
class MergeRequest:
    """One request of a merge call: the master's type, Id and fields to set, the others."""

    sobject: str | None
    master_id: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Merged:
    master_id: str
    merged_ids: list[str]
    updated_related_ids: list[str]


def merge(writer: Writer, request: MergeRequest) -> Merged:
    """Merge in the current transaction (a savepoint undoes it when it raises)."""
    obj = catalog.find(request.sobject or "", writer.shared)
    if obj is None or obj.name not in MERGEABLE:
        raise SfError(
            a.UNSUPPORTED_OPERATION_CODE,
            f"entity type {request.sobject} does not support merge",
            [],
        )
    master = _live(writer, obj.name, request.master_id, "Id")
    if not 1 <= len(request.others) <= a.MERGE_MAX_OTHERS:
        raise SfError(
            a.MERGE_LIMIT_CODE,
            f"A merge request names 1 to {a.MERGE_MAX_OTHERS} records to merge into the master",
            ["recordToMergeIds"],
        )
    others = [_live(writer, obj.name, i, "recordToMergeIds") for i in request.others]
    ids = [o["Id"] for o in others]
    if master["Id"] in ids or len(set(ids)) != len(ids):
        raise SfError(
            a.MERGE_LIMIT_CODE,
            "A record can be named once in a merge request, the master not among the others",
            ["recordToMergeIds"],
        )
    if request.fields:
        writer.update(obj.name, master["Id"], request.fields)
    updated: list[str] = []
    for other in others:
        updated += _reparent(writer, obj.name, other["Id"], master["Id"])
        recycle_bin.delete(writer, obj.name, other, master_id=master["Id"])
    return Merged(master["Id"], ids, list(dict.fromkeys(updated)))


def _live(writer: Writer, sobject: str, raw: str | None, field_name: str) -> Row:
    rid = canonical_id(raw) if raw else None
    prefix = catalog.all_objects()[sobject].prefix
    if rid is None:
        raise SfError("MALFORMED_ID", f"invalid id: {raw}", [field_name])
    row = writer.store.get(sobject, rid) if rid.startswith(prefix) else None
    check_referable(row, rid, field_name)
    assert row is not None
    return row


def _reparent(writer: Writer, sobject: str, loser: str, master: str) -> list[str]:
    """Point what pointed at `loser` at `master`; the ids of the records changed."""
    if sobject in ("Contact", "Lead"):
        moved = [i for kind in KINDS.values() for i in _move_person(writer, kind, loser, master)]
        if sobject == "Contact":
            for role in writer.store.find("OpportunityContactRole", "ContactId", [loser]):
                changes = {"ContactId": master} | writer.modified()
                writer.store.update("OpportunityContactRole", role["Id"], changes)
                moved.append(role["Id"])
        return moved
    moved = []
    for child, ref in _ACCOUNT_CHILDREN:
        for row in writer.store.find(child, ref, [loser]):
            writer.store.update(child, row["Id"], {ref: master} | writer.modified())
            moved.append(row["Id"])
    for kind in KINDS.values():
        for activity in writer.store.find(kind.name, "WhatId", [loser]):
            writer.set_people(kind, activity, _whos(kind, activity), master)
            moved.append(activity["Id"])
    return moved


def _move_person(writer: Writer, kind: Kind, loser: str, master: str) -> list[str]:
    """The loser's places on Tasks (or Events) go to the master: a primary loser makes the
    master primary; a Task that already has the master keeps one relation to it."""
    store = writer.store
    moved: list[str] = []
    for row in store.find(kind.relation, "RelationId", [loser]):
        if row["IsWhat"]:
            continue
        parent = store.get(kind.name, row[kind.parent_field])
        if parent is None or parent["IsDeleted"]:
            continue
        if kind.name == "Event" and not row.get("IsParent", True):
            store.update(kind.relation, row["Id"], {"RelationId": master} | writer.modified())
            moved.append(parent["Id"])
            continue
        whos = _whos(kind, parent)
        if master not in whos:  # the relation row itself moves to the master
            store.update(kind.relation, row["Id"], {"RelationId": master} | writer.modified())
        if whos and whos[0] == loser:
            new = [master] + [w for w in whos[1:] if w != master]
        else:
            new = list(dict.fromkeys(master if w == loser else w for w in whos))
        writer.set_people(kind, parent, new, parent.get("WhatId"))
        moved.append(parent["Id"])
    return moved


def _whos(kind: Kind, parent: Row) -> list[str]:
    whos = list(parent.get(kind.junction) or [])
    return whos or ([parent["WhoId"]] if parent.get("WhoId") else [])
