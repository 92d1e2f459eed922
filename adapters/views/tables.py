"""The task view's SQL tables (SQLAlchemy Core), kept in the event store's own database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from projections.audit_view import (
    ACTIVITIES,
    COUNTERS,
    FAILURES,
    ORG_CHANGES,
    RELATIONS,
    REPLAYS,
    RESYNCS,
    SYNC_RUNS,
    TASK_IDS,
    TASKS,
)

metadata = MetaData()


def _counter(name: str) -> Column[int]:
    return Column(name, Integer, nullable=False, server_default="0")


tasks = Table(
    TASKS,
    metadata,
    Column("sync_key", String(), primary_key=True),
    Column("activity_uuid", String(36), nullable=False, index=True),
    Column("activity_id", Text),
    Column("sobject", String(16)),
    Column("salesforce_id", String(), index=True),
    Column("who_id", String()),
    Column("what_id", String()),
    Column("what_rule", String(8)),
    Column("account_id", String()),
    Column("shared", Boolean),
    Column("member_count", Integer),
    Column("batch_index", Integer),
    Column("batch_count", Integer),
    Column("status", String(16)),
    Column("delete_in_org", Boolean),
    Column("settings_version", Integer),
    Column("replay_id", String()),
    Column("attempt", Integer),
    Column("error_code", String()),
    Column("error_message", Text),
    Column("updated_at", String(40)),
)

relations = Table(
    RELATIONS,
    metadata,
    Column("sync_key", String(), primary_key=True),
    Column("relation_id", String(), primary_key=True),
    Column("salesforce_id", String()),
    Column("at", String(40)),
)

activities = Table(
    ACTIVITIES,
    metadata,
    Column("uuid", String(36), primary_key=True),
    Column("source_id", Text, index=True),
    Column("type", String(16)),
    Column("sender", Text),
    Column("occurred_at", String(40)),
    Column("subject", Text),
    Column("source", Text),
    Column("recorded_at", String(40)),
    Column("resolved", Boolean),
    Column("settings_version", Integer),
    Column("recipients", Integer),
    Column("contacts", Integer),
    Column("leads", Integer),
    Column("status", String(20)),
    Column("updated_at", String(40)),
)

failures = Table(
    FAILURES,
    metadata,
    Column("activity_uuid", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("sync_key", String(), index=True),
    Column("code", String()),
    Column("message", Text),
    Column("retryable", Boolean),
    Column("attempt", Integer),
    Column("at", String(40)),
)

replays = Table(
    REPLAYS,
    metadata,
    Column("activity_uuid", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("replay_id", String()),
    Column("sync_key", String(), index=True),
    Column("kind", String(16)),
    Column("reason", Text),
    Column("at", String(40)),
)

sync_runs = Table(
    SYNC_RUNS,
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("worker", Text),
    Column("settings_version", Integer),
    Column("started_at", String(40)),
    Column("finished_at", String(40)),
    Column("pending", Integer),
    _counter("chunks"),
    _counter("activities"),
    _counter("emails"),
    _counter("records_written"),
    _counter("records_failed"),
    _counter("api_calls"),
    _counter("pauses"),
    Column("last_pause_reason", Text),
    Column("api_used", BigInteger),
    Column("api_limit", BigInteger),
    Column("api_seen_at", String(40)),
)

# Every Salesforce id each sync key ever had (a replay may have replaced the record), R21.
task_ids = Table(
    TASK_IDS,
    metadata,
    Column("salesforce_id", String(), primary_key=True),
    Column("sync_key", String(), nullable=False, index=True),
    Column("activity_uuid", String(36), nullable=False),
    Column("at", String(40)),
)

# Kept apart from view_sync_runs (whose columns stay as older stores made them): what each
# run spent on activities synced again (replays, retries), R24.
resyncs = Table(
    RESYNCS,
    metadata,
    Column("run_id", String(36), primary_key=True),
    _counter("activities"),
    _counter("api_calls"),
)

org_changes = Table(
    ORG_CHANGES,
    metadata,
    Column("activity_uuid", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("sync_key", String(), index=True),
    Column("salesforce_id", String()),
    Column("kind", String(24)),
    Column("at", String(40)),
    Column("by", String()),
)

counters = Table(
    COUNTERS,
    metadata,
    Column("name", String(), primary_key=True),
    _counter("value"),
)

# Kept apart from `metadata`: a rebuild drops the view tables, never the positions.
tracking_metadata = MetaData()
view_tracking = Table(
    "view_tracking",
    tracking_metadata,
    Column("name", String(), primary_key=True),
    Column("notification_id", BigInteger, nullable=False),
)

TABLES = {table.name: table for table in metadata.sorted_tables}
