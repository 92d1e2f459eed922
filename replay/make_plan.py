"""`replay plan` as a function: fix the basis, survey the history, write the plan document."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.org_drift import people_gone
from replay.drift import DEFAULT_SKEW
from replay.org_state import OrgReader
from replay.parallel import Workers, survey_in_parallel
from replay.plan_entries import ActivityDiff
from replay.plan_file import PlanWriter
from replay.stream import CHUNK_SIZE, Scope
from replay.survey import Survey, SurveyOptions, survey


@dataclass(frozen=True)
class PlanRequest:
    """What to replay: which activities, under which settings, compared with which org."""

    settings: Settings
    since: datetime | None = None
    activity_ids: tuple[str, ...] = ()
    reader: OrgReader | None = None
    chunk_size: int = CHUNK_SIZE
    skew: timedelta = DEFAULT_SKEW
    workers: Workers | None = None  # several processes (each reads the org with its own reader)

    @property
    def reads_org(self) -> bool:
        if self.workers is not None and self.workers.count > 1:
            return self.workers.reader_factory is not None
        return self.reader is not None


def new_replay_id(now: datetime) -> str:
    return f"replay-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def make_plan(
    app: ActivitySyncApp,
    request: PlanRequest,
    out: str | Path,
    progress: Callable[[int], None] | None = None,
    on_diff: Callable[[ActivityDiff], None] | None = None,  # the plan's first diffs (a sample)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[dict[str, Any], Survey]:
    """Write the plan to `out`; return its header (basis, totals, counts, digest) and the survey."""
    now = clock()
    in_force = app.settings().version  # apply refuses the plan once another is in force
    scope = Scope(
        stop=app.recorder.max_notification_id() or 0,
        since=request.since,
        activity_ids=request.activity_ids,
    )
    options = SurveyOptions(
        scope,
        request.settings,
        request.reader,
        request.chunk_size,
        request.skew,
        fates=people_gone(app),  # R27: plan with who the org holds now
    )
    writer = PlanWriter(out)
    try:
        if request.workers is not None and request.workers.count > 1:
            found = survey_in_parallel(app, options, request.workers, writer, progress)
        else:
            found = survey(app, options, writer, progress)
    except BaseException:
        writer.discard()
        raise
    if on_diff:
        for diff in found.sample:
            on_diff(diff)
    header = plan_header(new_replay_id(now), now, scope, request, found, in_force)
    return writer.finish(header), found


def plan_header(
    replay_id: str,
    now: datetime,
    scope: Scope,
    request: PlanRequest,
    found: Survey,
    in_force: int,
) -> dict[str, Any]:
    read = request.reads_org
    return {
        "replay_id": replay_id,
        "created_at": now.isoformat(),
        "basis": {
            "max_notification_id": scope.stop,
            "settings_version": in_force,
            "org_read": read,
            "org_fingerprint": found.fingerprint.value if read else None,
            "org_keys_asked": found.fingerprint.keys_asked,
            "org_records_found": found.fingerprint.records_found,
        },
        "scope": scope.to_dict(),
        "settings": request.settings.to_dict(),
        "skew_seconds": request.skew.total_seconds(),
        "totals": {
            "scanned": found.scanned,
            "not_yet_synced": found.not_yet_synced,
            "changed": found.changed,
            "held": found.held,
        },
        "counts": dict(found.counts),
    }
