"""Reading the task view: find what an id names (one indexed lookup), count for `stats`, dump for tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, case, func, or_, select

from adapters.views.tables import (
    TABLES,
    activities,
    counters,
    failures,
    org_changes,
    resyncs,
    sync_runs,
    task_ids,
    tasks,
    tracking_metadata,
)
from domain.salesforce_ids import case_safe_id
from projections.audit_view import FAILED, REJECTED_LINES, WRITTEN
from projections.stats import StatsFacts


@dataclass(frozen=True)
class Located:
    """What an id named: how it matched, the activity, and the Task when it named one."""

    matched: str  # salesforce_id | sync_key | activity_id
    activity_uuid: UUID
    sync_key: str | None = None


def find(engine: Engine, ident: str) -> Located | None:
    """A sync key, a Salesforce Task/Event id (15 or 18 characters) or an activity id."""
    ident = ident.strip()
    if not ident:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(tasks.c.activity_uuid).where(tasks.c.sync_key == ident)).first()
        if row is not None:
            return Located("sync_key", UUID(row.activity_uuid), ident)
        if len(ident) in (15, 18) and ident.isalnum():
            found = _by_salesforce_id(conn, ident)
            if found is not None:
                return found
        query = select(activities.c.uuid).where(activities.c.source_id == ident)
        row = conn.execute(query).first()
        if row is None and _is_uuid(ident):
            row = conn.execute(select(activities.c.uuid).where(activities.c.uuid == ident)).first()
        return Located("activity_id", UUID(row.uuid)) if row is not None else None


def _by_salesforce_id(conn: Connection, ident: str) -> Located | None:
    column = tasks.c.salesforce_id
    if len(ident) == 18:
        ident = case_safe_id(ident) or ident  # 00t8l000...qaa names 00T8L000...QAA
    where = column == ident if len(ident) == 18 else (column >= ident) & (column < ident + "~")
    query = select(tasks.c.sync_key, tasks.c.activity_uuid, column).where(where)
    for row in conn.execute(query.order_by(tasks.c.updated_at.desc())):
        if row.salesforce_id[:15] == ident[:15]:
            return Located("salesforce_id", UUID(row.activity_uuid), row.sync_key)
    # An id the sync key had before a replay replaced its record.
    column = task_ids.c.salesforce_id
    where = column == ident if len(ident) == 18 else (column >= ident) & (column < ident + "~")
    query = select(task_ids.c.sync_key, task_ids.c.activity_uuid, column).where(where)
    for row in conn.execute(query):
        if row.salesforce_id[:15] == ident[:15]:
            return Located("salesforce_id", UUID(row.activity_uuid), row.sync_key)
    return None


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def stats_facts(engine: Engine) -> StatsFacts:
    """Every count `stats` reports, from the view (a handful of GROUP BY queries)."""
    with engine.connect() as conn:
        by_type = _pairs(conn, activities.c.type)
        by_outcome = _pairs(conn, activities.c.status)
        # In the org: written, or written and then refused a re-write (the old record stays).
        was_written = tasks.c.sync_key.in_(select(task_ids.c.sync_key))
        in_org = or_(tasks.c.status == WRITTEN, and_(tasks.c.status == "failed", was_written))
        written = _pairs(conn, tasks.c.sobject, in_org)
        shared = conn.execute(
            select(func.count(), func.coalesce(func.sum(tasks.c.member_count), 0)).where(
                in_org, tasks.c.shared.is_(True), tasks.c.sobject == "Task"
            )
        ).one()
        failed = conn.execute(select(func.count()).where(tasks.c.status == "failed")).scalar_one()
        permanent = func.sum(case((failures.c.retryable.is_(False), 1), else_=0))
        by_code = conn.execute(
            select(failures.c.code, func.count(), permanent).group_by(failures.c.code)
        ).all()
        rejected = conn.execute(
            select(counters.c.value).where(counters.c.name == REJECTED_LINES)
        ).scalar()
        runs = conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(sync_runs.c.pauses), 0),
                func.coalesce(func.sum(sync_runs.c.api_calls), 0),
                func.coalesce(func.sum(sync_runs.c.emails), 0),
            )
        ).one()
        changes = _pairs(conn, org_changes.c.kind)
        again = conn.execute(
            select(
                func.coalesce(func.sum(resyncs.c.activities), 0),
                func.coalesce(func.sum(resyncs.c.api_calls), 0),
            )
        ).one()
        latest = conn.execute(
            select(sync_runs.c.api_used, sync_runs.c.api_limit, sync_runs.c.api_seen_at)
            .where(sync_runs.c.api_used.is_not(None))
            .order_by(sync_runs.c.api_seen_at.desc())
            .limit(1)
        ).first()
    return StatsFacts(
        activities_by_type=by_type,
        activities_by_outcome=by_outcome,
        written_by_sobject=written,
        shared_tasks=int(shared[0]),
        shared_members=int(shared[1]),
        records_failed=int(failed),
        failures_by_code={code: (int(n), int(p or 0)) for code, n, p in by_code},
        rejected_lines=int(rejected or 0),
        runs=int(runs[0]),
        pauses=int(runs[1]),
        api_calls=int(runs[2]),
        synced_emails=int(runs[3]),
        latest_usage=(int(latest[0]), latest[1], latest[2]) if latest else None,
        org_changes_by_kind=changes,
        resynced=int(again[0]),
        resync_api_calls=int(again[1]),
    )


def _pairs(conn: Connection, column: Any, *where: Any) -> dict[str, int]:
    query = select(column, func.count()).where(*where).group_by(column)
    return {str(key): int(count) for key, count in conn.execute(query)}


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table (and the positions), in primary-key order."""
    tables = [*TABLES.values(), *tracking_metadata.sorted_tables]
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in tables
        }


def failed_records(
    engine: Engine,
    code: str | None = None,
    sync_keys: Sequence[str] | None = None,
    activity: UUID | None = None,
) -> list[tuple[str, str]]:
    """(activity uuid, sync key) of the records refused for good, of one Salesforce error
    code, with these keys, or of one activity (every filter given must hold)."""
    where = [tasks.c.status == FAILED]
    if code is not None:
        where.append(tasks.c.error_code == code)
    if sync_keys is not None:
        where.append(tasks.c.sync_key.in_(list(sync_keys)))
    if activity is not None:
        where.append(tasks.c.activity_uuid == str(activity))
    query = select(tasks.c.activity_uuid, tasks.c.sync_key).where(*where).order_by(tasks.c.sync_key)
    with engine.connect() as conn:
        return [(str(a), str(k)) for a, k in conn.execute(query)]


def activities_of(engine: Engine, sync_keys: Sequence[str]) -> dict[str, UUID]:
    """The activity of each sync key the engine planned (keys it never planned are absent)."""
    found: dict[str, UUID] = {}
    with engine.connect() as conn:
        for start in range(0, len(sync_keys), 500):
            chunk = list(sync_keys[start : start + 500])
            query = select(tasks.c.sync_key, tasks.c.activity_uuid).where(
                tasks.c.sync_key.in_(chunk)
            )
            found.update({key: UUID(activity) for key, activity in conn.execute(query)})
    return found
