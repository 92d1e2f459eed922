"""Applying a replay plan: append the events that carry it out, chunk by chunk, resumably.

Replay never writes to Salesforce: it appends BatchRetired / BatchFormed (the target
settings version, the replay's id) and the sync worker writes them as usual, so every
replay shows in `explain` (R19, R21). A chunk is one transaction; an activity already
carrying this replay's id was done before a crash and is skipped (R20).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.activity import EmailActivity
from domain.org_changes import PersonFate
from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.org_drift import people_gone
from projections.replan import Changes, plan_from_history, record_plan
from replay.basis import (
    BasisChanged,
    check_log,
    org_fingerprint,
    require_same_org,
    require_unchanged_log,
)
from replay.diff import with_adoptions
from replay.org_state import OrgReader
from replay.plan_entries import ActivityDiff
from replay.plan_file import read_entries, read_header
from replay.stream import CHUNK_SIZE, Scope, load

REASON = "replay"


@dataclass
class ApplyResult:
    replay_id: str
    applied: int = 0
    already_applied: int = 0  # done before an interruption
    held: int = 0  # edited in the org by a person; needs --force
    formed: int = 0
    retired: int = 0


def apply_plan(
    app: ActivitySyncApp,
    path: str,
    reader: OrgReader | None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    reason: str = REASON,
) -> ApplyResult:
    """Check the plan's basis, then append its events; BasisChanged when it is stale.
    `reason` names why in every retired record (explain): a replay, or support_disable."""
    header = read_header(path)
    replay_id = str(header["replay_id"])
    check_basis(app, path, header, reader, chunk_size)
    settings = Settings.from_dict(header["settings"])
    result = ApplyResult(replay_id)
    done = 0
    for chunk in _chunks(read_entries(path), chunk_size):
        wanted = [e for e in chunk if force or not e.held]
        result.held += len(chunk) - len(wanted)
        _apply_chunk(app, wanted, settings, replay_id, result, reason)
        done += len(chunk)
        if progress:
            progress(done)
    return result


def check_basis(
    app: ActivitySyncApp,
    path: str,
    header: dict[str, Any],
    reader: OrgReader | None,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """Refuse when the store has foreign events since the basis or the org reads differently."""
    basis = header["basis"]
    require_unchanged_log(check_log(app, int(basis["max_notification_id"]), header["replay_id"]))
    if not basis.get("org_read"):
        return
    if reader is None:
        raise BasisChanged("the plan was made from the org's records; apply needs the org too")
    versions = {e.aggregate_id: e.version for e in read_entries(path)}
    scope = Scope.from_dict(header["scope"])
    require_same_org(
        basis["org_fingerprint"], org_fingerprint(app, scope, reader, versions, chunk_size)
    )


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
    replay_id: str,
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
        if replay_id in item.replay_ids:
            result.already_applied += 1
            continue
        if item.activity.version != entry.version:
            raise BasisChanged(f"activity {entry.activity_id} changed since the plan was made")
        changes = carry_out(item.activity, entry, settings, replay_id, fates, reason)
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
