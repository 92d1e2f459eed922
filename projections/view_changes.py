"""The task view's building blocks: its tables, the two kinds of row change, an activity's outcome.

Every change is `Put` (set some columns of one row, creating it when missing) or `Add`
(add to counters of one row). Both merge within a chunk (`ChunkChanges`), so a chunk of a
thousand notifications becomes a few bulk statements, and applying the log in any chunking
gives the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TASKS = "view_tasks"
RELATIONS = "view_relations"
ACTIVITIES = "view_activities"
FAILURES = "view_failures"
REPLAYS = "view_replays"
SYNC_RUNS = "view_sync_runs"
COUNTERS = "view_counters"
ORG_CHANGES = "view_org_changes"
RESYNCS = "view_resyncs"
TASK_IDS = "view_task_ids"

REJECTED_LINES = "rejected_lines"

# Task status, and the outcome of an activity (R23).
PLANNED, WRITTEN, FAILED, RETIRED, DELETED = "planned", "written", "failed", "retired", "deleted"
SYNCED, PENDING, NOTHING_TO_WRITE = "synced", "pending", "nothing_to_write"
ACTIVITY_OUTCOMES = (SYNCED, PENDING, FAILED, NOTHING_TO_WRITE)


@dataclass(frozen=True)
class Put:
    """Set `values` on the row of `table` whose primary key is `key` (insert it when missing)."""

    table: str
    key: tuple[Any, ...]
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Add:
    """Add `deltas` to counter columns of one row (missing rows start at zero)."""

    table: str
    key: tuple[Any, ...]
    deltas: Mapping[str, int]


@dataclass
class ChunkChanges:
    """The merged changes of a chunk of events, ready for bulk statements."""

    puts: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = field(default_factory=dict)
    adds: dict[tuple[str, tuple[Any, ...]], dict[str, int]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # activities whose outcome may have changed

    def extend(self, changes: Iterable[Put | Add]) -> None:
        for change in changes:
            slot = (change.table, change.key)
            if isinstance(change, Put):
                self.puts.setdefault(slot, {}).update(change.values)
                if change.table in (TASKS, ACTIVITIES):
                    self.touched.add(str(change.values.get("activity_uuid") or change.key[0]))
            else:
                row = self.adds.setdefault(slot, {})
                for column, delta in change.deltas.items():
                    row[column] = row.get(column, 0) + delta


def activity_outcome(resolved: bool, tasks: Iterable[tuple[str, bool]]) -> str:
    """R23 outcome of one activity from its Tasks' (status, delete_in_org) pairs."""
    if not resolved:
        return PENDING
    rows = list(tasks)
    statuses = {status for status, _ in rows}
    if FAILED in statuses:
        return FAILED
    if PLANNED in statuses or any(s == RETIRED and delete for s, delete in rows):
        return PENDING
    if statuses & {WRITTEN, DELETED}:
        return SYNCED
    return NOTHING_TO_WRITE
