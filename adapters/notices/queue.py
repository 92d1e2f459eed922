"""The rule notices' queue in SQL, in the store's own database: what waits, and how far judging got.

Rows are a view of the RuleNotice aggregates (the events are the truth): a lost row is
re-added when judging runs again, and a row pending for a notice already delivered is
settled without a second post. New rows and the tracking position commit together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import Connection, Engine

from adapters.notices.outbox_rows import count_in_state, settle_row
from adapters.store.followers import Follower, follow, position
from adapters.store.leases import claim_rows, lease_columns
from adapters.store.positions import position_table
from adapters.store.sql import create_missing_tables, insert_ignoring_existing
from domain.activity import EmailActivity
from domain.notices import PENDING
from projections.application import ActivitySyncApp
from projections.ports import JudgeTasks, NoticeQueue

TRACKING_NAME = "rule_notices"
TASK_CREATED = EmailActivity.TaskCreated.TOPIC

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
notice_tracking = position_table("rule_notice_tracking", metadata)


def create_tables(engine: Engine) -> None:
    create_missing_tables(engine, metadata.sorted_tables)


def _no_judge(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    raise RuntimeError("the notices follower runs with the rules' judge (judge_new_tasks)")


FOLLOWER = Follower(
    name=TRACKING_NAME,
    feeds="rule notices: each written Task judged against the rules (R26)",
    topics=(TASK_CREATED,),
    positions=notice_tracking,
    handle=_no_judge,  # the judge is the notifier's, given with each run
    prepare=create_tables,
)


class SqlNoticeQueue(NoticeQueue):
    """The queue on SQLite or PostgreSQL; claims are leases, so runs never post the same notice."""

    def __init__(
        self, app: ActivitySyncApp, engine: Engine, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.engine = engine
        self.clock = clock
        position(engine, FOLLOWER)  # the tables and the position row exist from here on

    def judge_new_tasks(self, since: int, judge: JudgeTasks) -> int:
        def handle(
            app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]
        ) -> None:
            written = [(n.id, app.mapper.to_domain_event(n)) for n in chunk]
            rows = [{"notice_id": n.hex, "rule": r, "sync_key": k} for n, r, k in judge(written)]
            if rows:
                connection.execute(
                    insert_ignoring_existing(connection, rule_notices, "notice_id"), rows
                )

        judging = replace(FOLLOWER, handle=handle, start_after=lambda app: since)
        return follow(self.app, self.engine, judging).processed

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
        settle_row(
            self.engine, rule_notices, "notice_id", notice_id.hex, state, attempts, not_before
        )

    def pending_count(self) -> int:
        return count_in_state(self.engine, rule_notices, PENDING)

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
