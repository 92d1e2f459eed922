"""The org is alive (R27): how a written record differs from what the engine last knew of it.

Pure. A record's baseline is what the engine wrote (or the org's state at the last check);
its state now comes from the org. Each difference is one change of a kind an admin knows:
an edit by a person, relations removed or added, a deletion or an undeletion, a Lead
converted or Contacts merged (the record moved to the survivor), or archiving.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from domain.model import PlannedTask, plain

EDITED = "edited"
RELATIONS_CHANGED = "relations_changed"
DELETED = "deleted"
UNDELETED = "undeleted"
CONVERTED = "converted"
MERGED = "merged"
ARCHIVED = "archived"
KINDS = (EDITED, RELATIONS_CHANGED, DELETED, UNDELETED, CONVERTED, MERGED, ARCHIVED)
# Fields the org only takes on create: a difference there is never a person's edit.
NOT_COMPARED = frozenset({"TaskSubtype", "EventSubtype"})


@dataclass(frozen=True)
class OrgState:
    """One record the engine wrote, as the org holds it (or as the engine wrote it)."""

    sync_key: str
    salesforce_id: str
    sobject: str = "Task"
    who_id: str | None = None
    who_ids: tuple[str, ...] = ()
    what_id: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    deleted: bool = False
    archived: bool = False
    modified_at: str | None = None
    modified_by: str | None = None
    created_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = plain(self)
        data["who_ids"] = list(self.who_ids)
        data["fields"] = dict(self.fields)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OrgState:
        return cls(**{**data, "who_ids": tuple(data.get("who_ids") or ())})


@dataclass(frozen=True)
class PersonFate:
    """A person the engine's plans name who is gone from the org as they were: a Lead
    converted (to `now_id`, a Contact), Contacts merged (into `now_id`), or deleted."""

    person_id: str
    kind: str  # converted | merged | deleted
    now_id: str | None
    account_id: str | None = None
    at: str | None = None
    by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PersonFate:
        return cls(**data)


@dataclass(frozen=True)
class OrgChange:
    """One change to one written record: its kind, when, by whom (a User id, when known)."""

    kind: str
    at: str | None
    by: str | None
    fields: tuple[str, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)


def written_state(
    sync_key: str, salesforce_id: str, task: Mapping[str, Any], who_ids: list[str]
) -> OrgState:
    """What the engine wrote for a sync key: the planned fields, its people and WhatId."""
    return OrgState(
        sync_key=sync_key,
        salesforce_id=salesforce_id,
        sobject=str(task.get("sobject") or "Task"),
        who_id=who_ids[0] if who_ids else task.get("who_id"),
        who_ids=tuple(who_ids or task.get("who_ids") or ()),
        what_id=task.get("what_id"),
        fields={k: v for k, v in (task.get("fields") or {}).items() if k not in NOT_COMPARED},
    )


def changes_between(
    before: OrgState, now: OrgState, fates: Mapping[str, PersonFate]
) -> list[OrgChange]:
    """What happened to a record between `before` and `now`, in the order an admin reads it."""
    at, by = now.modified_at, now.modified_by
    if now.deleted != before.deleted:
        return [OrgChange(DELETED if now.deleted else UNDELETED, at, by)]
    found: list[OrgChange] = []
    moved = _moves(before, now, fates)
    for fate in moved:
        detail = {"from": fate.person_id, "to": fate.now_id}
        found.append(OrgChange(fate.kind, fate.at or at, fate.by or by, (), detail))
    explained_out = {f.person_id for f in moved}
    explained_in = {f.now_id for f in moved}
    removed = [p for p in before.who_ids if p not in now.who_ids and p not in explained_out]
    added = [p for p in now.who_ids if p not in before.who_ids and p not in explained_in]
    if removed or added:
        found.append(OrgChange(RELATIONS_CHANGED, at, by, (), {"removed": removed, "added": added}))
    edited = _edited_fields(before, now, explained_in)
    if edited and by != now.created_by:
        found.append(OrgChange(EDITED, at, by, tuple(edited)))
    if now.archived and not before.archived:
        found.append(OrgChange(ARCHIVED, at, None))
    return found


def _moves(before: OrgState, now: OrgState, fates: Mapping[str, PersonFate]) -> list[PersonFate]:
    """People of `before` the org replaced by their survivor or converted Contact in `now`."""
    people = dict.fromkeys([*([before.who_id] if before.who_id else []), *before.who_ids])
    return [
        fate
        for person in people
        if person not in now.who_ids
        and (fate := fates.get(person)) is not None
        and fate.kind in (CONVERTED, MERGED)
        and fate.now_id in (*now.who_ids, now.who_id)
    ]


def _edited_fields(before: OrgState, now: OrgState, moved_in: set[str | None]) -> list[str]:
    names = [
        name
        for name, value in before.fields.items()
        if name not in NOT_COMPARED and name in now.fields and not _same(now.fields[name], value)
    ]
    if now.what_id != before.what_id:
        names.append("WhatId")
    if now.who_id != before.who_id and now.who_id not in moved_in:
        names.append("WhoId")
    return names


def _same(now: Any, before: Any) -> bool:
    """Equal values; timestamps compare as instants (the org writes them in its own form)."""
    if now == before:
        return True
    if isinstance(now, str) and isinstance(before, str) and "T" in now and "T" in before:
        try:
            return _instant(now) == _instant(before)
        except ValueError:
            return False
    return False


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def remap_people(
    who_ids: tuple[str, ...], fates: Mapping[str, PersonFate]
) -> tuple[tuple[str, ...], list[PersonFate]]:
    """The people of a planned record as the org holds them now: a converted Lead becomes its
    Contact, a merged Contact its survivor, a deleted person is left out (R27: never a
    reference to a deleted or converted record). Order kept, duplicates dropped."""
    kept: list[str] = []
    applied: list[PersonFate] = []
    for person in who_ids:
        now: str | None = person
        for _ in range(len(fates) + 1):  # a survivor may itself have been merged later
            fate = fates.get(now) if now else None
            if fate is None:
                break
            applied.append(fate)
            now = fate.now_id
        if now and now not in kept:
            kept.append(now)
    return tuple(kept), applied


def remapped_task(task: PlannedTask, fates: Mapping[str, PersonFate]) -> PlannedTask | None:
    """A planned record with its people as the org holds them now (same sync key), or None
    when nobody it names is left. Unchanged when none of its people is gone."""
    people, applied = remap_people(task.who_ids, fates)
    if not applied:
        return task
    if not people:
        return None
    primary_fate = next((f for f in applied if f.person_id == task.who_id), None)
    account = task.account_id
    if primary_fate is not None and primary_fate.kind == CONVERTED:
        account = primary_fate.account_id or account
    notes = tuple(f"person_gone:{f.kind}:{f.person_id}:{f.now_id or ''}" for f in applied)
    return replace(
        task,
        who_id=people[0],
        who_ids=people,
        account_id=account,
        warnings=tuple(dict.fromkeys((*task.warnings, *notes))),
    )
