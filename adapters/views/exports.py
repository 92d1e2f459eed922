"""What `export` and the console's downloads hold: failures, rejected lines, unmatched addresses.

One table per kind, with the columns an admin filters on, read from the views (and, for
rejected lines, the kept lines in the log as `rejected` reads them). Only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from adapters.views.recipient_queries import unmatched_addresses
from adapters.views.recipient_view import catch_up
from adapters.views.rejections import newest_rejections
from adapters.views.tables import activities, tasks
from projections.application import ActivitySyncApp
from projections.audit_view import FAILED

Rows = Iterator[Sequence[Any]]


@dataclass(frozen=True)
class Export:
    """One kind of export: its columns and how to read its rows."""

    kind: str
    header: tuple[str, ...]
    rows: Callable[[ActivitySyncApp, Engine], Rows]
    about: str

    def filename(self) -> str:
        return f"activity-sync-{self.kind}.csv"


def _failures(app: ActivitySyncApp, engine: Engine) -> Rows:
    query = (
        select(
            tasks.c.activity_id,
            activities.c.source,
            activities.c.sender,
            activities.c.type,
            activities.c.subject,
            tasks.c.sobject,
            tasks.c.sync_key,
            tasks.c.salesforce_id,
            tasks.c.error_code,
            tasks.c.error_message,
            tasks.c.attempt,
            tasks.c.updated_at,
        )
        .select_from(tasks.outerjoin(activities, activities.c.uuid == tasks.c.activity_uuid))
        .where(tasks.c.status == FAILED)
        .order_by(tasks.c.updated_at.desc(), tasks.c.sync_key)
    )
    with engine.connect() as conn:
        yield from (tuple(row) for row in conn.execute(query))


def _rejected(app: ActivitySyncApp, engine: Engine) -> Rows:
    for kept in newest_rejections(app, limit=None).lines:
        yield (
            kept.line,
            kept.source,
            kept.field,
            kept.reason,
            kept.raw,
            kept.raw_truncated,
            kept.ingested_at,
            kept.run_id,
        )


def _unmatched(app: ActivitySyncApp, engine: Engine) -> Rows:
    for u in unmatched_addresses(engine):
        row = u.to_dict()
        yield (u.address, row["domain"], u.count, u.last_seen, u.sample_activity)


EXPORTS = {
    e.kind: e
    for e in (
        Export(
            "failures",
            (
                "activity_id",
                "source",
                "sender",
                "activity_type",
                "subject",
                "record_type",
                "sync_key",
                "salesforce_id",
                "error_code",
                "message",
                "attempts",
                "last_attempt_at",
            ),
            _failures,
            "records Salesforce refused for good, newest first",
        ),
        Export(
            "rejected",
            (
                "line",
                "source",
                "field",
                "reason",
                "raw_line",
                "raw_truncated",
                "ingested_at",
                "run_id",
            ),
            _rejected,
            "input lines and webhook items refused at ingest, newest run first",
        ),
        Export(
            "unmatched",
            ("address", "domain", "times_seen", "last_seen", "sample_activity"),
            _unmatched,
            "addresses no Contact or Lead has, most seen first",
        ),
    )
}


def export_rows(app: ActivitySyncApp, engine: Engine, kind: str) -> Rows:
    """The views caught up, then the rows of one kind."""
    catch_up(app, engine)
    return EXPORTS[kind].rows(app, engine)
