"""Streaming the stored history for replay: activity ids in chunks, aggregates loaded per chunk.

Memory stays flat however long the history is: only one chunk of activities (and the
log section that named them) is held at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from domain.activity import EmailActivity, activity_uuid
from projections.application import ActivitySyncApp
from projections.ports import Undecoded

RECORDED = EmailActivity.Recorded.TOPIC
# Events that change no state replay reads: not decoded, only counted for the version.
STATELESS = frozenset({EmailActivity.RelationAdded.TOPIC})
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Scope:
    """Which activities a replay looks at, as of one position of the log (its basis)."""

    stop: int  # the store's max notification id when the plan was made
    since: datetime | None = None  # activities that occurred at or after this moment
    activity_ids: tuple[str, ...] = ()  # source ids; empty means every activity

    def to_dict(self) -> dict[str, Any]:
        return {
            "stop": self.stop,
            "since": self.since.isoformat() if self.since else None,
            "activity_ids": list(self.activity_ids),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        since = data.get("since")
        return cls(
            stop=int(data["stop"]),
            since=datetime.fromisoformat(since) if since else None,
            activity_ids=tuple(data.get("activity_ids") or ()),
        )


@dataclass
class Loaded:
    """One activity as stored, with what replay needs beyond the aggregate itself."""

    activity: EmailActivity
    written_at: dict[str, datetime] = field(default_factory=dict)  # key -> last TaskCreated
    sobjects: dict[str, str] = field(default_factory=dict)  # key -> Task | Event
    replay_ids: set[str] = field(default_factory=set)


def parse_since(text: str) -> datetime:
    """A date (midnight UTC) or an RFC 3339 timestamp, for `--since`."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date or timestamp: {text!r}; e.g. 2026-11-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def activity_chunks(
    app: ActivitySyncApp, scope: Scope, size: int = CHUNK_SIZE
) -> Iterator[list[UUID]]:
    """Aggregate ids of the activities in scope, in the order they were recorded."""
    if scope.activity_ids:
        ids = list(dict.fromkeys(activity_uuid(i) for i in scope.activity_ids))
        for start in range(0, len(ids), size):
            yield ids[start : start + size]
        return
    chunk: list[UUID] = []
    for notification in _recorded(app, scope.stop):
        if scope.since is None or _occurred_since(app, notification, scope.since):
            chunk.append(notification.originator_id)
            if len(chunk) == size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _recorded(app: ActivitySyncApp, stop: int) -> Iterator[Any]:
    start = 1
    while start <= stop:
        section = app.notification_log.select(
            start=start, limit=app.log_section_size, stop=stop, topics=(RECORDED,)
        )
        if not section:
            return
        yield from section
        start = section[-1].id + 1


def _occurred_since(app: ActivitySyncApp, notification: Any, since: datetime) -> bool:
    event = app.mapper.to_domain_event(notification)
    occurred = str(event.activity.get("occurred_at") or "")  # type: ignore[attr-defined]
    try:
        moment = datetime.fromisoformat(occurred.replace("Z", "+00:00"))
    except ValueError:
        return True  # unreadable times are kept in scope rather than silently skipped
    return moment >= since


def load(
    app: ActivitySyncApp, ids: Sequence[UUID], upto: dict[str, int] | None = None
) -> list[Loaded]:
    """The activities, each projected from its events (up to `upto[id.hex]` when given)."""
    events = app.events_of(ids, skip=STATELESS)
    loaded = []
    for aggregate_id in ids:
        mine = events.get(aggregate_id, [])
        limit = upto.get(aggregate_id.hex) if upto else None
        if limit is not None:
            mine = [e for e in mine if e.originator_version <= limit]
        found = project(mine)
        if found is not None:
            loaded.append(found)
    return loaded


def project(events: Any) -> Loaded | None:
    """Fold the events into the aggregate, noting write times, object types and replay ids."""
    aggregate: Any = None
    loaded: Loaded | None = None
    for event in events:
        if isinstance(event, Undecoded):
            if aggregate is None or event.originator_version != aggregate.version + 1:
                raise ValueError(f"events of {event.originator_id} are not in sequence")
            aggregate.version = event.originator_version
            continue
        aggregate = event.mutate(aggregate)
        if loaded is None:
            if not isinstance(aggregate, EmailActivity):
                return None
            loaded = Loaded(aggregate)
        if isinstance(event, EmailActivity.TaskCreated):
            loaded.written_at[event.sync_key] = event.timestamp
            loaded.sobjects[event.sync_key] = event.sobject
        elif (
            isinstance(event, EmailActivity.BatchFormed | EmailActivity.BatchRetired)
            and event.replay_id
        ):
            loaded.replay_ids.add(event.replay_id)
    return loaded
