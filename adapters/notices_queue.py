"""The rule notices' queue in SQL, in the store's own database: what waits, and how far judging got.

Rows are a view of the RuleNotice aggregates (the events are the truth): a lost row is
re-added when judging runs again, and a row pending for a notice already delivered is
settled without a second post. New rows and the tracking position commit together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from adapters.leases import claim_rows, lease_columns
from domain.notices import PENDING
from projections.ports import NoticeQueue

TRACKING_NAME = "rule_notices"

metadata = MetaData()
rule_notices = Table(
    "rule_notices",
    metadata,
    Column("notice_id", String(32), primary_key=True),
    Column("rule", String(64), nullable=False, index=True),
    Column("sync_key", String(255), nullable=False),
    Column("state", String(16), nullable=False, default=PENDING),
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", Float, nullable=False, default=0.0),
    *lease_columns(),
)
notice_tracking = Table(
    "rule_notice_tracking",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("notification_id", Integer, nullable=False),
)


class SqlNoticeQueue(NoticeQueue):
    """The queue on SQLite or PostgreSQL; claims are leases, so runs never post the same notice."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        for table in metadata.sorted_tables:
            try:
                table.create(engine, checkfirst=True)
            except DBAPIError:  # another process created it first
                with engine.connect() as connection:
                    if not engine.dialect.has_table(connection, table.name):
                        raise

    def position(self) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(notice_tracking.c.notification_id).where(
                    notice_tracking.c.name == TRACKING_NAME
                )
            ).scalar()
        return int(found or 0)

    def enqueue(self, notices: Sequence[tuple[UUID, str, str]], position: int) -> None:
        rows = [{"notice_id": n.hex, "rule": r, "sync_key": k} for n, r, k in notices]
        with self.engine.begin() as connection:
            if rows:
                connection.execute(
                    self._insert(rule_notices).on_conflict_do_nothing(index_elements=["notice_id"]),
                    rows,
                )
            self._advance(connection, position)

    def _insert(self, table: Table) -> Any:
        """An INSERT that can skip existing keys (on_conflict_do_nothing) on either database."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _advance(self, connection: Connection, position: int) -> None:
        where = notice_tracking.c.name == TRACKING_NAME
        found = connection.execute(select(func.count()).where(where)).scalar()
        if not found:
            connection.execute(
                self._insert(notice_tracking)
                .values(name=TRACKING_NAME, notification_id=position)
                .on_conflict_do_nothing(index_elements=["name"])
            )
        connection.execute(
            notice_tracking.update()
            .where(where)
            .where(notice_tracking.c.notification_id < position)
            .values(notification_id=position)
        )

    def claim(
        self, owner: str, limit: int, lease_seconds: float, due_only: bool, after: str = ""
    ) -> list[UUID]:
        due = " AND not_before <= :now" if due_only else ""
        return claim_rows(
            self.engine,
            rule_notices,
            key="notice_id",
            order="notice_id",
            condition=f"state = :pending AND notice_id > :after{due}",
            values={"pending": PENDING, "after": after},
            owner=owner,
            limit=limit,
            now=self.clock(),
            lease_seconds=lease_seconds,
        )

    def settle(self, notice_id: UUID, state: str, attempts: int, not_before: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                rule_notices.update()
                .where(rule_notices.c.notice_id == notice_id.hex)
                .values(
                    state=state,
                    attempts=attempts,
                    not_before=not_before,
                    lease_owner=None,
                    lease_token=None,
                    lease_until=None,
                )
            )

    def pending_count(self) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(func.count()).where(rule_notices.c.state == PENDING)
            ).scalar()
        return int(found or 0)

    def counts_by_rule(self) -> dict[str, dict[str, int]]:
        """rule name -> {state: notices}, for `rules list`."""
        query = select(rule_notices.c.rule, rule_notices.c.state, func.count()).group_by(
            rule_notices.c.rule, rule_notices.c.state
        )
        counts: dict[str, dict[str, int]] = {}
        with self.engine.connect() as connection:
            for rule, state, count in connection.execute(query):
                counts.setdefault(rule, {})[state] = int(count)
        return counts
