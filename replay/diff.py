"""The replay diff, pure: desired Tasks vs what the store recorded vs what the org holds (R19).

For one activity it answers which Tasks to create, delete, relate, unrelate, re-point
(WhatId) or update, which recorded Task a new one may keep (adoption), which records were
edited in the org by a person (then the whole activity is held unless forced), and which
recorded Tasks vanished from the org. No I/O: the caller hands in the three states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from domain.activity import EmailActivity
from domain.model import Plan, PlannedTask
from domain.salesforce_ids import canonical_id
from projections.ports import OrgRecord
from replay.drift import DEFAULT_SKEW, adoptable, edited_reason, id_set, same_id
from replay.plan_entries import ActivityDiff, Item

_SHAPE = ("who_ids", "who_id", "what_id")


@dataclass(frozen=True)
class _State:
    """The three states of one activity, side by side."""

    desired: dict[str, PlannedTask]
    batches: Mapping[str, Mapping[str, Any]]
    written: Mapping[str, str]
    retired: frozenset[str]
    org: Mapping[str, OrgRecord] | None  # None: the org was not read
    failed: frozenset[str] = frozenset()  # refused for good: the worker will not retry them

    def current_people(self, key: str) -> tuple[str, ...]:
        if self.org is not None and key in self.org:
            return self.org[key].who_ids
        return tuple((self.batches.get(key) or {}).get("who_ids") or ())

    def current_what(self, key: str) -> str | None:
        if self.org is not None and key in self.org:
            return self.org[key].what_id
        return (self.batches.get(key) or {}).get("what_id")


def diff_activity(
    activity: EmailActivity,
    plan: Plan,
    org: Mapping[str, OrgRecord] | None,
    written_at: Mapping[str, datetime],
    skew: timedelta = DEFAULT_SKEW,
    support_disabled: bool = False,
) -> ActivityDiff:
    """Compare `plan` (the new desired Tasks) with the activity's record and the org's copy.

    A person's decision in the org holds the whole activity (R28): a record they edited, or
    one they deleted (written, and no longer in the org). `support_disabled`: the engine saw
    the org's shared-activities setting off, so Tasks that kept only their primary are
    support's doing (R18), not a person's.
    """
    state = _State(
        desired={t.sync_key: t for t in plan.tasks},
        batches=activity.batches,
        written=activity.written,
        retired=frozenset(activity.retired),
        org=org,
        failed=frozenset(activity.failed),
    )
    edited = edited_in_org(activity, org, written_at, skew, support_disabled)
    deleted = deleted_in_org(activity, org)
    adopted = _adopt(state, {**edited, **deleted})
    for new_key, kept in adopted.items():
        state.desired[kept] = replace(state.desired.pop(new_key), sync_key=kept)
    items: list[Item] = [
        Item("edited_in_org", k, _sobject(state, k), state.written[k], detail=why)
        for k, why in edited.items()
    ]
    items += [
        Item("deleted_in_org", k, _sobject(state, k), state.written[k], detail=why)
        for k, why in deleted.items()
        if k in state.desired
    ]
    reform: list[str] = []
    kept_keys = set(adopted.values())
    for key, task in state.desired.items():
        found, drifted = _desired_items(state, task, key in kept_keys)
        items.extend(found)
        if drifted or key in edited:
            reform.append(key)
    items.extend(_undesired_items(state))
    return ActivityDiff(
        activity_id=str(activity.activity.get("id")),
        aggregate_id=activity.id.hex,
        version=activity.version,
        items=tuple(items),
        adopted=adopted,
        reform=tuple(reform),
        held=bool(edited) or any(k in state.desired for k in deleted),
    )


def with_adoptions(plan: Plan, adopted: Mapping[str, str]) -> Plan:
    """The plan with each adopting Task renamed to the sync key of the Task it keeps."""
    tasks = tuple(
        replace(t, sync_key=adopted[t.sync_key]) if t.sync_key in adopted else t for t in plan.tasks
    )
    return replace(plan, tasks=tasks)


def _sobject(state: _State, key: str) -> str:
    return str((state.batches.get(key) or {}).get("sobject") or "Task")


def edited_in_org(
    activity: EmailActivity,
    org: Mapping[str, OrgRecord] | None,
    written_at: Mapping[str, datetime],
    skew: timedelta = DEFAULT_SKEW,
    support_disabled: bool = False,
) -> dict[str, str]:
    """The activity's written records a person edited in the org, each with why (R28).
    Any of them holds the whole activity; `replay apply` asks the org again."""
    if org is None:
        return {}
    found: dict[str, str] = {}
    for key in sorted(activity.written):
        record = org.get(key)
        if record is not None:
            recorded = activity.batches.get(key)
            why = edited_reason(record, recorded, written_at.get(key), skew, support_disabled)
            if why:
                found[key] = why
    return found


def deleted_in_org(activity: EmailActivity, org: Mapping[str, OrgRecord] | None) -> dict[str, str]:
    """Written records the org no longer holds (it reads archived ones too): a person
    deleted them (R28). Any that the plan still wants holds the activity."""
    if org is None:
        return {}
    return {
        key: "deleted in the org; --force re-creates it"
        for key in sorted(activity.written)
        if key not in org and key not in activity.retired
    }


def held_in_org(
    activity: EmailActivity,
    org: Mapping[str, OrgRecord] | None,
    written_at: Mapping[str, datetime],
    skew: timedelta = DEFAULT_SKEW,
    support_disabled: bool = False,
) -> dict[str, str]:
    """What holds the activity: its records a person edited, or deleted while still planned."""
    held = edited_in_org(activity, org, written_at, skew, support_disabled)
    deleted = deleted_in_org(activity, org)
    held.update({k: why for k, why in deleted.items() if k in activity.batches})
    return held


def _adopt(state: _State, edited: Mapping[str, str]) -> dict[str, str]:
    """Planned keys never recorded -> written, unwanted Tasks they may keep (one each)."""
    free = [
        key
        for key in sorted(state.written)
        if key not in state.desired
        and key not in state.retired
        and key not in edited
        and key in state.batches
        and (state.org is None or key in state.org)
    ]
    by_role: dict[tuple[str, str, str], list[str]] = {}
    for key in free:
        recorded = state.batches[key]
        role = _role(recorded.get("sobject"), recorded.get("who_id"), recorded.get("what_id"))
        by_role.setdefault(role, []).append(key)
    adopted: dict[str, str] = {}
    for key, task in state.desired.items():
        candidates = by_role.get(_role(task.sobject, task.who_id, task.what_id))
        if not candidates or key in state.batches or key in state.written:
            continue
        for candidate in candidates:
            if adoptable(task, state.current_people(candidate), state.batches[candidate]):
                adopted[key] = candidate
                candidates.remove(candidate)
                break
    return adopted


def _role(sobject: str | None, who_id: str | None, what_id: str | None) -> tuple[str, str, str]:
    return (sobject or "", canonical_id(who_id or ""), canonical_id(what_id or ""))


def _desired_items(state: _State, task: PlannedTask, kept: bool) -> tuple[list[Item], bool]:
    """Items for one desired Task, and whether the org drifted from an unchanged plan."""
    key = task.sync_key
    recorded = state.batches.get(key)
    same = recorded is not None and _same_task(recorded, task)
    if key not in state.written:
        if same and key not in state.failed:
            return [], False  # planned, not yet written: the worker carries it out as it is
        # Never written (R20: nothing is dropped): a create in every plan, also when it was
        # refused for good under other settings; applying it plans it again for the worker.
        return [
            Item("create", key, task.sobject, who_ids=task.who_ids, what_to=task.what_id)
        ], key in state.failed
    sf_id = state.written[key]
    if state.org is not None and key not in state.org:
        return [], True  # deleted in the org: held (deleted_in_org), re-created when forced
    items = _people_items(state, task, sf_id)
    if same:
        return items, bool(items)  # the plan is unchanged; anything found is the org's drift
    if kept:
        items.append(
            Item("adopt", key, task.sobject, sf_id, task.who_ids, detail=_adopt_note(task))
        )
    elif recorded is None or _without_shape(recorded) != _without_shape(plain(task)):
        note = _update_note(recorded, plain(task))
        items.append(Item("update", key, task.sobject, sf_id, detail=note))
    return items, False


def _people_items(state: _State, task: PlannedTask, sf_id: str) -> list[Item]:
    key = task.sync_key
    have = state.current_people(key)
    added = tuple(p for p in task.who_ids if canonical_id(p) not in id_set(have))
    removed = tuple(p for p in have if canonical_id(p) not in id_set(task.who_ids))
    items = []
    if added:
        items.append(Item("relate", key, task.sobject, sf_id, added))
    if removed:
        items.append(Item("unrelate", key, task.sobject, sf_id, removed))
    what = state.current_what(key)
    if not same_id(what, task.what_id):
        items.append(Item("rewhat", key, task.sobject, sf_id, what_from=what, what_to=task.what_id))
    return items


def _undesired_items(state: _State) -> list[Item]:
    items = []
    for key in [*state.batches, *(k for k in state.written if k not in state.batches)]:
        if key in state.desired or (key in state.retired and key not in state.batches):
            continue
        sf_id = state.written.get(key)
        detail = None
        if sf_id is None:
            detail = "planned, never written"
        elif state.org is not None and key not in state.org:
            detail = "already gone from the org"
        items.append(
            Item(
                "delete", key, _sobject(state, key), sf_id, state.current_people(key), detail=detail
            )
        )
    return items


def _without_shape(task: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in task.items() if k not in _SHAPE and k != "sync_key"}


def _adopt_note(task: PlannedTask) -> str:
    return "kept as the shared Task" if task.shared else "kept as the primary's own Task"


def _update_note(recorded: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> str:
    if recorded is None:
        return "kept (it was to be deleted)"
    changed = sorted(k for k, v in wanted.items() if recorded.get(k) != v and k not in _SHAPE)
    return "changed: " + ", ".join(changed)


_TASK_FIELDS = tuple(f.name for f in fields(PlannedTask))


def _same_task(recorded: Mapping[str, Any], task: PlannedTask) -> bool:
    """`recorded == task.to_dict()`, field by field, stopping at the first difference."""
    if len(recorded) != len(_TASK_FIELDS):
        return False
    for name in _TASK_FIELDS:
        value = getattr(task, name)
        if isinstance(value, tuple):
            value = list(value)
        if recorded.get(name, _MISSING) != value:
            return False
    return True


_MISSING = object()


def plain(task: PlannedTask) -> dict[str, Any]:
    """`task.to_dict()` without its deep copy (the hot path of a large replay)."""
    data = {name: getattr(task, name) for name in _TASK_FIELDS}
    for name, value in data.items():
        if isinstance(value, tuple):
            data[name] = list(value)
    data["fields"] = dict(task.fields)
    return data
