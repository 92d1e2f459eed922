"""Applying a replay plan: check everything it assumed, then append its events, resumably.

Replay never writes to Salesforce: it appends BatchRetired / BatchFormed (the target
settings version, the replay's id) and the sync worker writes them as usual, so every
replay shows in `explain` (R19, R21). A chunk is one transaction; an activity already
carrying this replay's id was done before a crash and is skipped (R20).

The plan file is evidence, not a form: before anything is appended its digest is
checked, and what it assumed is checked again against the store and the org (the
settings in force, the log, the org's records and which of them a person edited).
The admin narrows it with `Narrowing` (--only, --skip, --force), never by editing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

from domain.activity import EmailActivity
from domain.errors import ActivitySyncError
from domain.org_changes import PersonFate
from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.org_drift import people_gone
from projections.replan import Changes, plan_from_history, record_plan
from replay.basis import BasisChanged
from replay.diff import with_adoptions
from replay.narrowing import Narrowing, Tally
from replay.org_state import OrgReader
from replay.plan_entries import ActivityDiff
from replay.preflight import Prepared, carried_out, prepare
from replay.sealed_plan import open_plan
from replay.stream import CHUNK_SIZE, load

REASON = "replay"


class NotConfirmed(ActivitySyncError):
    """The admin did not confirm the plan; nothing was appended. Exit code 1."""


@dataclass
class ApplyResult:
    replay_id: str
    applied: int = 0
    already_applied: int = 0  # done before an interruption
    held: int = 0  # edited in the org by a person, not forced: left alone
    forced: int = 0  # edited in the org by a person, carried out with --force
    skipped: int = 0  # left out by --only / --skip
    formed: int = 0
    retired: int = 0
    previously_applied: bool = False  # the whole plan was applied before: nothing appended


def apply_plan(
    app: ActivitySyncApp,
    path: str,
    reader: OrgReader | None,
    narrowing: Narrowing | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    confirm: Callable[[Tally], None] | None = None,
    reason: str = REASON,
) -> ApplyResult:
    """Check the plan (PlanChanged, BasisChanged), let `confirm` see what it will do (it
    raises to stop), then append its events. `reason` names why in every record it
    retires or forms (explain): a replay, or support_disable."""
    with open_plan(path) as plan:
        prepared = prepare(app, plan, reader, narrowing or Narrowing(), chunk_size)
        if confirm is not None and not prepared.previously_applied:
            confirm(prepared.tally)
        return carry_out_plan(app, prepared, progress, chunk_size, reason)


def carry_out_plan(
    app: ActivitySyncApp,
    prepared: Prepared,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    reason: str = REASON,
) -> ApplyResult:
    """Append the events of the prepared plan, one transaction per chunk of activities."""
    result = ApplyResult(prepared.plan.replay_id)
    if prepared.previously_applied:
        result.previously_applied = True  # the checks stopped there: nothing to append
        result.already_applied = prepared.previously_applied
        return result
    assert prepared.settings is not None  # set by every check that lets a plan through
    done = 0
    for chunk in _chunks(prepared.plan.entries(), chunk_size):
        wanted = []
        for entry in chunk:
            if not prepared.narrowing.includes(entry.activity_id):
                result.skipped += 1
            elif not carried_out(entry, prepared):
                result.held += 1
            else:
                result.forced += entry.aggregate_id in prepared.held
                wanted.append(entry)
        _apply_chunk(app, wanted, prepared.settings, result, reason)
        done += len(chunk)
        if progress:
            progress(done)
    return result


def carry_out(
    activity: EmailActivity,
    entry: ActivityDiff,
    settings: Settings,
    replay_id: str,
    fates: Mapping[str, PersonFate] | None = None,
    reason: str = REASON,
) -> Changes:
    """Append one activity's events: the re-plan (with adoptions) and the drifted re-writes.
    The re-plan follows the people the org converted, merged away or deleted (R27), as
    they are known now, not when the plan was made."""
    if not set(entry.adopted.values()) <= set(activity.written):
        raise BasisChanged(f"the plan keeps a Task activity {entry.activity_id} did not write")
    plan = with_adoptions(plan_from_history(activity, settings, fates), entry.adopted)
    changes = record_plan(activity, plan, settings, replay_id=replay_id, reason=reason)
    desired = {task.sync_key: task for task in plan.tasks}
    for key in entry.reform:
        if key in desired and key not in changes.formed:
            activity.form_batch(desired[key], settings.version, replay_id, reason)
            changes.formed.append(key)
    return changes


def _apply_chunk(
    app: ActivitySyncApp,
    entries: list[ActivityDiff],
    settings: Settings,
    result: ApplyResult,
    reason: str = REASON,
) -> None:
    if not entries:
        return
    loaded = {
        item.activity.id.hex: item for item in load(app, [UUID(e.aggregate_id) for e in entries])
    }
    changed = []
    fates = people_gone(app)  # R27: as known now, once per chunk
    for entry in entries:
        item = loaded.get(entry.aggregate_id)
        if item is None:
            raise BasisChanged(f"activity {entry.activity_id} is no longer in the store")
        if result.replay_id in item.replay_ids:
            result.already_applied += 1
            continue
        if item.activity.version != entry.version:
            raise BasisChanged(f"activity {entry.activity_id} changed since the plan was made")
        changes = carry_out(item.activity, entry, settings, result.replay_id, fates, reason)
        result.formed += len(changes.formed)
        result.retired += len(changes.retired)
        result.applied += 1
        changed.append(item.activity)
    if changed:
        app.save(*changed)  # one transaction per chunk


def _chunks(entries: Iterable[ActivityDiff], size: int) -> Iterable[list[ActivityDiff]]:
    chunk: list[ActivityDiff] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
