"""Reads kept bad input back (`activity-sync rejected`): the newest refused lines, by run."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.rejection import IngestRun
from projections.application import ActivitySyncApp

STARTED = IngestRun.Started.TOPIC
REJECTED = IngestRun.LineRejected.TOPIC


@dataclass(frozen=True)
class KeptLine:
    """One refused line as kept in the store, with the run it came from."""

    run_id: str
    source: str
    ingested_at: str
    line: int
    field: str | None
    reason: str
    raw: str
    raw_truncated: bool
    raw_sha256: str
    raw_length: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class KeptLines:
    """The newest kept lines (newest run first, by line within a run) and how many exist."""

    lines: list[KeptLine]
    total: int


def newest_rejections(app: ActivitySyncApp, limit: int | None = 50) -> KeptLines:
    """Scan the log for refused lines (by topic) and keep the newest `limit` (None: all)."""
    runs: dict[UUID | str, tuple[int, Any]] = {}
    newest: deque[Notification] = deque(maxlen=limit)
    total = 0
    start = 1
    while section := app.notification_log.select(
        start, app.log_section_size, topics=[STARTED, REJECTED]
    ):
        for notification in section:
            if notification.topic == STARTED:
                runs[notification.originator_id] = (
                    notification.id,
                    app.mapper.to_domain_event(notification),
                )
            else:
                newest.append(notification)
                total += 1
        start = section[-1].id + 1
    return KeptLines(_ordered(app, runs, newest), total)


def _ordered(
    app: ActivitySyncApp, runs: dict[UUID | str, tuple[int, Any]], kept: deque[Notification]
) -> list[KeptLine]:
    lines: list[tuple[int, KeptLine]] = []
    for notification in kept:
        event = app.mapper.to_domain_event(notification)
        order, started = runs.get(notification.originator_id, (notification.id, None))
        lines.append((order, _kept_line(event, started)))
    lines.sort(key=lambda pair: (-pair[0], pair[1].line))
    return [line for _, line in lines]


def _kept_line(event: Any, started: Any) -> KeptLine:
    return KeptLine(
        run_id=str(event.originator_id),
        source=started.source if started else "unknown",
        ingested_at=(started or event).timestamp.isoformat(timespec="seconds"),
        line=event.line,
        field=event.field,
        reason=event.reason,
        raw=event.raw,
        raw_truncated=event.raw_truncated,
        raw_sha256=event.raw_sha256,
        raw_length=event.raw_length,
    )
