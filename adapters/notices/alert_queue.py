"""The alerts' queue in SQL: what waits for delivery, how far judging read the log, the rules' memory.

Rows are a view of the Alert aggregates (the events are the truth): a lost row is re-added
when judging runs again, and a row pending for an alert already delivered is settled
without a second send. New rows, the rules' state and the position commit together.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from uuid import UUID

import orjson
from eventsourcing.persistence import Notification
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine

from adapters.notices.outbox_rows import count_in_state, settle_row
from adapters.store.followers import Follower, follow, position
from adapters.store.leases import claim_rows, lease_columns
from adapters.store.positions import position_table
from adapters.store.sql import create_missing_tables, dialect_insert, insert_ignoring_existing
from domain.notices import PENDING
from projections.alert_rules import TOPICS, AlertState
from projections.alerter import AlertQueue, JudgeChunk
from projections.application import ActivitySyncApp

NAME = "alerts"

metadata = MetaData()
alert_rows = Table(
    "alert_queue",
    metadata,
    Column("alert_id", String(32), primary_key=True),
    Column("state", String(16), nullable=False, default=PENDING),
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", Float, nullable=False, default=0.0),
    *lease_columns(),
)
alert_memory = Table(
    "alert_rules_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("state", Text, nullable=False),
)
alert_tracking = position_table("alert_tracking", metadata)


def create_tables(engine: Engine) -> None:
    create_missing_tables(engine, metadata.sorted_tables)


def _no_judge(app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]) -> None:
    raise RuntimeError("the alerts follower runs with the alerter's judge (judge_new)")


FOLLOWER = Follower(
    name=NAME,
    feeds="alerts: refusal spikes, budget pauses, expired sessions, shared activities changes",
    topics=TOPICS,
    positions=alert_tracking,
    handle=_no_judge,  # the judge is the alerter's, given with each run
    prepare=create_tables,
)


def _load_state(connection: Connection) -> AlertState:
    found = connection.execute(
        select(alert_memory.c.state).where(alert_memory.c.name == NAME)
    ).scalar()
    return AlertState.from_dict(orjson.loads(found)) if found else AlertState()


def _keep_state(connection: Connection, state: AlertState) -> None:
    insert = dialect_insert(connection, alert_memory)
    encoded = orjson.dumps(state.to_dict()).decode()
    connection.execute(
        insert.on_conflict_do_update(index_elements=["name"], set_={"state": encoded}),
        {"name": NAME, "state": encoded},
    )


class SqlAlertQueue(AlertQueue):
    """The queue on SQLite or PostgreSQL; claims are leases, so runs never send the same alert."""

    def __init__(
        self, app: ActivitySyncApp, engine: Engine, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.engine = engine
        self.clock = clock
        position(engine, FOLLOWER)

    def judge_new(self, judge: JudgeChunk) -> int:
        def handle(
            app: ActivitySyncApp, connection: Connection, chunk: Sequence[Notification]
        ) -> None:
            state = _load_state(connection)
            events = [(n.id, app.mapper.to_domain_event(n)) for n in chunk]
            ids = judge(events, state)
            if ids:
                rows = [{"alert_id": alert_id.hex} for alert_id in ids]
                connection.execute(
                    insert_ignoring_existing(connection, alert_rows, "alert_id"), rows
                )
            _keep_state(connection, state)

        return follow(self.app, self.engine, replace(FOLLOWER, handle=handle)).processed

    def add(self, alert_id: UUID) -> None:
        """Queue an alert raised outside the log's judging (a start refused by the org)."""
        with self.engine.begin() as connection:
            connection.execute(
                insert_ignoring_existing(connection, alert_rows, "alert_id"),
                [{"alert_id": alert_id.hex}],
            )

    def claim(self, owner: str, limit: int, lease_seconds: float, after: str = "") -> list[UUID]:
        return claim_rows(
            self.engine,
            alert_rows,
            key="alert_id",
            order="alert_id",
            condition="state = :pending AND alert_id > :after AND not_before <= :now",
            values={"pending": PENDING, "after": after},
            owner=owner,
            limit=limit,
            now=self.clock(),
            lease_seconds=lease_seconds,
        )

    def settle(self, alert_id: UUID, state: str, attempts: int, not_before: float) -> None:
        settle_row(self.engine, alert_rows, "alert_id", alert_id.hex, state, attempts, not_before)

    def pending_count(self) -> int:
        return count_in_state(self.engine, alert_rows, PENDING)
