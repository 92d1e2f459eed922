"""Making a replay plan: stream the history, re-plan each activity, read the org, diff (R19).

Read-only. Each chunk of activities is loaded, re-planned under the target settings with
the same planner as live sync, compared with what was recorded and what the org holds,
and handed on as `ActivityDiff`s; then the chunk is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.ports import OrgRecord
from projections.replan import plan_from_history
from replay.drift import DEFAULT_SKEW
from replay.org_state import Fingerprint, OrgReader, read_org, records_of
from replay.planner import KINDS, ActivityDiff, diff_activity
from replay.stream import CHUNK_SIZE, Loaded, Scope, activity_chunks, load


@dataclass
class SurveyOptions:
    scope: Scope
    settings: Settings
    reader: OrgReader | None = None  # None: compare with the store's record only
    chunk_size: int = CHUNK_SIZE
    skew: timedelta = DEFAULT_SKEW


@dataclass
class ChunkResult:
    """What one chunk of activities gave: the diffs with something to do, and the reads."""

    scanned: int = 0
    not_yet_synced: int = 0
    diffs: list[ActivityDiff] = field(default_factory=list)
    fingerprint: Fingerprint = field(default_factory=Fingerprint)


@dataclass
class Survey:
    """The totals of one plan run."""

    scanned: int = 0
    not_yet_synced: int = 0
    changed: int = 0
    held: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    fingerprint: Fingerprint = field(default_factory=Fingerprint)

    def add(self, chunk: ChunkResult, on_diff: Callable[[ActivityDiff], None]) -> None:
        self.scanned += chunk.scanned
        self.not_yet_synced += chunk.not_yet_synced
        self.fingerprint.merge(chunk.fingerprint)
        for diff in chunk.diffs:
            self.changed += 1
            self.held += diff.held
            for item in diff.items:
                self.counts[item.kind] += 1
            on_diff(diff)


def survey(
    app: ActivitySyncApp,
    options: SurveyOptions,
    on_diff: Callable[[ActivityDiff], None],
    progress: Callable[[int], None] | None = None,
) -> Survey:
    """Diff every activity in scope; `on_diff` receives each one that has something to do."""
    result = Survey()
    for ids in activity_chunks(app, options.scope, options.chunk_size):
        result.add(survey_chunk(app, options, ids), on_diff)
        if progress:
            progress(result.scanned)
    return result


def survey_chunk(app: ActivitySyncApp, options: SurveyOptions, ids: Sequence[UUID]) -> ChunkResult:
    """Load, read the org for, re-plan and diff one chunk of activities."""
    chunk = ChunkResult()
    loaded = load(app, ids)
    org = read_org(options.reader, loaded, chunk.fingerprint) if options.reader else None
    for item in loaded:
        diff = diff_one(item, options, org)
        chunk.scanned += 1
        if diff is None:
            chunk.not_yet_synced += 1
        elif diff.changed:
            chunk.diffs.append(diff)
    return chunk


def diff_one(
    item: Loaded, options: SurveyOptions, org: dict[str, OrgRecord] | None
) -> ActivityDiff | None:
    """The diff of one activity; None while the worker has not resolved it yet."""
    activity = item.activity
    if not activity.is_resolved:
        return None
    plan = plan_from_history(activity, options.settings)
    records = records_of(item, org) if org is not None else None
    return diff_activity(activity, plan, records, item.written_at, options.skew)
