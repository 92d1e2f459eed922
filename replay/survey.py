"""Making a replay plan: stream the history, re-plan each activity, read the org, diff (R19).

Read-only. Each chunk of activities is loaded, re-planned under the target settings with
the same planner as live sync, compared with what was recorded and what the org holds,
and handed on as `ActivityDiff`s; then the chunk is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from domain.org_changes import PersonFate
from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.ports import OrgRecord
from projections.replan import plan_from_history
from replay.diff import diff_activity
from replay.drift import DEFAULT_SKEW
from replay.org_state import Fingerprint, OrgReader, read_org, records_of
from replay.plan_entries import KINDS, ActivityDiff
from replay.plan_file import PlanWriter, encode_entry
from replay.stream import CHUNK_SIZE, Loaded, Scope, activity_chunks, load

SAMPLE = 20


@dataclass
class SurveyOptions:
    scope: Scope
    settings: Settings
    reader: OrgReader | None = None  # None: compare with the store's record only
    chunk_size: int = CHUNK_SIZE
    skew: timedelta = DEFAULT_SKEW
    sample: int = SAMPLE  # diffs kept as objects, for a report; all are in the plan's lines
    fates: Mapping[str, PersonFate] = field(default_factory=dict)  # people gone from the org


@dataclass
class ChunkResult:
    """What one chunk of activities gave: its plan lines, totals, a sample, and the reads.

    Plain bytes and numbers, so a planning process hands it back cheaply.
    """

    scanned: int = 0
    not_yet_synced: int = 0
    changed: int = 0
    held: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    lines: bytes = b""  # one encoded plan entry per line, in log order
    sample: list[ActivityDiff] = field(default_factory=list)  # the chunk's first diffs
    fingerprint: Fingerprint = field(default_factory=Fingerprint)

    def add(self, diff: ActivityDiff, limit: int) -> None:
        self.changed += 1
        self.held += diff.held
        for item in diff.items:
            self.counts[item.kind] = self.counts.get(item.kind, 0) + 1
        if len(self.sample) < limit:
            self.sample.append(diff)


@dataclass
class Survey:
    """The totals of one plan run."""

    scanned: int = 0
    not_yet_synced: int = 0
    changed: int = 0
    held: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    fingerprint: Fingerprint = field(default_factory=Fingerprint)
    sample: list[ActivityDiff] = field(default_factory=list)  # the first diffs of the plan

    def add(self, chunk: ChunkResult, writer: PlanWriter, limit: int) -> None:
        self.scanned += chunk.scanned
        self.not_yet_synced += chunk.not_yet_synced
        self.changed += chunk.changed
        self.held += chunk.held
        for kind, count in chunk.counts.items():
            self.counts[kind] += count
        self.fingerprint.merge(chunk.fingerprint)
        self.sample.extend(chunk.sample[: max(0, limit - len(self.sample))])
        writer.add_lines(chunk.lines, chunk.changed)


def survey(
    app: ActivitySyncApp,
    options: SurveyOptions,
    writer: PlanWriter,
    progress: Callable[[int], None] | None = None,
) -> Survey:
    """Diff every activity in scope; each one with something to do becomes a plan line."""
    result = Survey()
    for ids in activity_chunks(app, options.scope, options.chunk_size):
        result.add(survey_chunk(app, options, ids), writer, options.sample)
        if progress:
            progress(result.scanned)
    return result


def survey_chunk(app: ActivitySyncApp, options: SurveyOptions, ids: Sequence[UUID]) -> ChunkResult:
    """Load, read the org for, re-plan and diff one chunk of activities."""
    chunk = ChunkResult()
    loaded = load(app, ids)
    org = read_org(options.reader, loaded, chunk.fingerprint) if options.reader else None
    lines = []
    for item in loaded:
        diff = diff_one(item, options, org)
        chunk.scanned += 1
        if diff is None:
            chunk.not_yet_synced += 1
        elif diff.changed:
            chunk.add(diff, options.sample)
            lines.append(encode_entry(diff))
    chunk.lines = b"".join(lines)
    return chunk


def diff_one(
    item: Loaded, options: SurveyOptions, org: dict[str, OrgRecord] | None
) -> ActivityDiff | None:
    """The diff of one activity; None while the worker has not resolved it yet."""
    activity = item.activity
    if not activity.is_resolved:
        return None
    plan = plan_from_history(activity, options.settings, options.fates)
    records = records_of(item, org) if org is not None else None
    support_disabled = options.settings.org_shared_activities is False
    return diff_activity(activity, plan, records, item.written_at, options.skew, support_disabled)
