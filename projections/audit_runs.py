"""The task view's rules for sync runs (R24, R25) and rejected input lines (SPEC section 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.sync_run import SyncRun
from projections.view_changes import COUNTERS, REJECTED_LINES, RESYNCS, SYNC_RUNS, Add, Put

LINE_REJECTED = "activity_sync:IngestRun.LineRejected"


def _at(moment: datetime) -> str:
    return moment.isoformat()


def rejected_line_changes() -> list[Put | Add]:
    """One kept bad input line (counted from its topic; its content stays in the log)."""
    return [Add(COUNTERS, (REJECTED_LINES,), {"value": 1})]


def run_started(e: SyncRun.Started) -> list[Put | Add]:
    values = {
        "worker": e.worker,
        "settings_version": e.settings_version,
        "started_at": _at(e.timestamp),
    }
    return [Put(SYNC_RUNS, (str(e.originator_id),), values)]


def chunk_synced(e: SyncRun.ChunkSynced) -> list[Put | Add]:
    deltas = {
        "chunks": 1,
        "activities": e.activities,
        "emails": e.emails,
        "records_written": e.records_written,
        "records_failed": e.records_failed,
        "api_calls": e.api_calls,
    }
    again = {"activities": e.resynced, "api_calls": e.resync_api_calls}
    changes: list[Put | Add] = [
        Add(SYNC_RUNS, (str(e.originator_id),), deltas),
        Add(RESYNCS, (str(e.originator_id),), again),
    ]
    if e.api_used is not None:
        usage = {"api_used": e.api_used, "api_limit": e.api_limit, "api_seen_at": _at(e.timestamp)}
        changes.append(Put(SYNC_RUNS, (str(e.originator_id),), usage))
    return changes


def paused(e: SyncRun.Paused) -> list[Put | Add]:
    return [
        Add(SYNC_RUNS, (str(e.originator_id),), {"pauses": 1}),
        Put(SYNC_RUNS, (str(e.originator_id),), {"last_pause_reason": e.reason}),
    ]


def finished(e: SyncRun.Finished) -> list[Put | Add]:
    values = {"finished_at": _at(e.timestamp), "pending": e.pending}
    return [Put(SYNC_RUNS, (str(e.originator_id),), values)]


RUN_HANDLERS: dict[type, Any] = {
    SyncRun.Started: run_started,
    SyncRun.ChunkSynced: chunk_synced,
    SyncRun.Paused: paused,
    SyncRun.Finished: finished,
}
