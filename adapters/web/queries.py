"""Reads for the console pages: backlog, what was written today, failed records by code."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, case, func, select

from adapters.store.work_queue import work_items
from adapters.views import record_names
from adapters.views.record_labels import labelled
from adapters.views.tables import activities, tasks
from projections.application import ActivitySyncApp
from projections.audit_view import FAILED, WRITTEN

MESSAGE_SHOWN = 300


@dataclass(frozen=True)
class Backlog:
    """Activities with work left: ready now, waiting for a retry, or held by a worker."""

    pending: int
    ready: int
    deferred: int
    in_progress: int

    def to_dict(self) -> dict[str, int]:
        return {
            "pending": self.pending,
            "ready": self.ready,
            "deferred": self.deferred,
            "in_progress": self.in_progress,
        }


def backlog(engine: Engine, now: float | None = None) -> Backlog:
    now = time.time() if now is None else now
    has_work = work_items.c.seen_version > work_items.c.settled_version
    leased = and_(work_items.c.lease_until.is_not(None), work_items.c.lease_until >= now)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(_flag(leased)), 0),
                func.coalesce(func.sum(_flag(and_(~leased, work_items.c.not_before > now))), 0),
            ).where(has_work)
        ).one()
    pending, in_progress, deferred = (int(v) for v in row)
    return Backlog(pending, pending - in_progress - deferred, deferred, in_progress)


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def start_of_today() -> datetime:
    now = datetime.now(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def written_since(engine: Engine, since: datetime) -> dict[str, int]:
    """Tasks and Events the org holds that were written at or after `since`."""
    query = (
        select(tasks.c.sobject, func.count())
        .where(tasks.c.status == WRITTEN, tasks.c.updated_at >= since.isoformat())
        .group_by(tasks.c.sobject)
    )
    with engine.connect() as conn:
        found = {str(kind): int(n) for kind, n in conn.execute(query)}
    return {"tasks": found.get("Task", 0), "events": found.get("Event", 0)}


def failure_codes(engine: Engine) -> list[dict[str, Any]]:
    """Records refused for good, by Salesforce's error code (most first), with one message each."""
    query = (
        select(tasks.c.error_code, func.count(), func.max(tasks.c.error_message))
        .where(tasks.c.status == FAILED)
        .group_by(tasks.c.error_code)
        .order_by(func.count().desc(), tasks.c.error_code)
    )
    with engine.connect() as conn:
        return [
            {"code": code or "UNKNOWN_ERROR", "records": int(n), "example": _short(message)}
            for code, n, message in conn.execute(query)
        ]


def failures(
    engine: Engine, code: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """The failed records (newest first), optionally of one code, and how many there are."""
    where = [tasks.c.status == FAILED]
    if code:
        where.append(tasks.c.error_code == code)
    query = (
        select(
            tasks.c.sync_key,
            tasks.c.sobject,
            tasks.c.salesforce_id,
            tasks.c.error_code,
            tasks.c.error_message,
            tasks.c.attempt,
            tasks.c.updated_at,
            tasks.c.who_id,
            tasks.c.what_id,
            tasks.c.member_count,
            tasks.c.activity_id,
            tasks.c.activity_uuid,
            activities.c.subject,
            activities.c.type,
        )
        .select_from(tasks.outerjoin(activities, activities.c.uuid == tasks.c.activity_uuid))
        .where(*where)
        .order_by(tasks.c.updated_at.desc(), tasks.c.sync_key)
        .limit(limit)
        .offset(offset)
    )
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(tasks).where(*where)).scalar_one()
        rows = [_failure(row) for row in conn.execute(query)]
    return int(total), rows


def named_failures(
    app: ActivitySyncApp,
    engine: Engine,
    instance_url: str | None,
    code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """`failures` with the names of each record's WhoId and WhatId, and their links."""
    record_names.catch_up(app, engine)
    total, rows = failures(engine, code, limit, offset)
    return total, labelled(engine, rows, instance_url)


def _failure(row: Any) -> dict[str, Any]:
    return {
        "sync_key": row.sync_key,
        "sobject": row.sobject or "Task",
        "salesforce_id": row.salesforce_id,
        "code": row.error_code or "UNKNOWN_ERROR",
        "message": row.error_message or "",
        "attempt": row.attempt,
        "at": row.updated_at,
        "who_id": row.who_id,
        "what_id": row.what_id,
        "people": row.member_count or 0,
        "activity_id": row.activity_id,
        "activity_type": row.type,
        "subject": row.subject,
    }


def _short(message: str | None) -> str:
    text = message or ""
    return text if len(text) <= MESSAGE_SHOWN else text[: MESSAGE_SHOWN - 1] + "…"
