"""The org's shared-activities setting as last read, kept in the log (R17), so that every
process (each `sync`, each worker) within five minutes of a read uses it instead of reading
the org again: one API call and one Metadata API round trip saved per run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.org_watch import ORG_WATCH_ID, OrgWatch
from projections.application import ActivitySyncApp

_SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class SharedRead:
    """One read of the org's setting: what it said, how, and when."""

    enabled: bool
    source: str
    at: datetime

    def fresh(self, now: datetime, seconds: float) -> bool:
        """Read less than `seconds` before `now` (a read "from the future" is not trusted)."""
        return 0 <= (now - self.at).total_seconds() < seconds


def last_read(app: ActivitySyncApp) -> SharedRead | None:
    """The last recorded read, None before the first."""
    try:
        watch: OrgWatch = app.repository.get(ORG_WATCH_ID)
    except AggregateNotFoundError:
        return None
    read = watch.shared_read
    if read is None:
        return None
    return SharedRead(
        bool(read["enabled"]), str(read["source"]), datetime.fromisoformat(read["at"])
    )


def record_read(app: ActivitySyncApp, read: SharedRead) -> bool:
    """Append the read; True when saved. Losing a race to another process's event (a drift
    look, another read) is retried; if it keeps losing, the read is simply not kept and the
    next process reads the org again."""
    for _attempt in range(_SAVE_ATTEMPTS):
        try:
            watch: OrgWatch = app.repository.get(ORG_WATCH_ID)
        except AggregateNotFoundError:
            watch = OrgWatch.create()
        watch.record_shared_read(read.enabled, read.source, read.at.isoformat())
        try:
            app.save(watch)
        except IntegrityError:
            continue
        return True
    return False
