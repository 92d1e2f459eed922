"""What the JSON API answers (response bodies; with `request_bodies` they make /openapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from adapters.web.over_time_bodies import AlertsSummary, Day, SyncSwitchState


class Problem(BaseModel):
    detail: str


class RejectedItem(BaseModel):
    index: int = Field(
        description="0-based: the item's position in the array, or its line in JSON Lines"
    )
    field: str | None = Field(description="the field at fault; null when the whole item is")
    reason: str


class WebhookReply(BaseModel):
    accepted: int = Field(description="new activities recorded")
    duplicates: int = Field(description="activity ids already recorded (a re-delivery, R20)")
    rejected: list[RejectedItem]


class Backlog(BaseModel):
    pending: int
    ready: int
    deferred: int
    in_progress: int


class SyncedToday(BaseModel):
    since: str
    tasks: int
    events: int


class Avoided(BaseModel):
    tasks: int
    one_task_per_contact_would_be: int
    shared_tasks: int


class Written(BaseModel):
    tasks: int
    events: int
    shared_tasks: int


class ApiBudget(BaseModel):
    budget_percent: int
    used: int | None
    limit: int | None
    budget_calls: int | None
    budget_used: float | None = Field(description="share of the engine's budget spent, 0..1+")
    over_budget: bool
    at: str | None
    calls: int
    calls_per_email: float | None


class FailureCode(BaseModel):
    code: str
    records: int
    example: str


class Failures(BaseModel):
    records: int
    by_code: list[FailureCode]


class Observed(BaseModel):
    at: str
    by: str


class SharedActivities(BaseModel):
    mode: str
    in_effect: bool
    org_enabled: bool | None
    last_change: Observed | None
    last_read_at: str | None
    last_read_source: str | None


class WorkerState(BaseModel):
    state: str
    rounds: int
    last_round_at: str | None
    last_summary: dict[str, Any] | None
    last_error: str | None
    last_error_at: str | None
    org_read_at: str | None
    org_read_source: str | None
    interval_seconds: float
    held: str | None = None


class OrgChanges(BaseModel):
    total: int
    by_kind: dict[str, int]


class WhyNotLogged(BaseModel):
    """Recipients by outcome, the unmatched candidates, the busiest senders (as `stats`)."""

    recipients: dict[str, int]
    top_unmatched_domains: list[dict[str, Any]]
    top_unmatched_addresses: list[dict[str, Any]]
    senders: list[dict[str, Any]]
    more_senders: int


class Health(BaseModel):
    generated_at: str
    backlog: Backlog
    synced_today: SyncedToday
    avoided_by_sharing: Avoided
    written: Written
    api: ApiBudget
    failures: Failures
    rejected_lines: int
    org_changes: OrgChanges
    shared_activities: SharedActivities
    settings_version: int
    worker: WorkerState
    webhook_enabled: bool
    days: list[Day]  # the last 30 UTC days (adapters/web/over_time_bodies.py)
    sync_switch: SyncSwitchState  # the admin's pause switch
    alerts: AlertsSummary  # where alerts go, how many were sent
    why_not_logged: WhyNotLogged  # the recipients nobody matched, and why


class FailedRecord(BaseModel):
    """A refused record; `url`, `who_url`, `what_url` only when a link can be made."""

    sync_key: str
    sobject: str
    salesforce_id: str | None
    url: str | None = None
    code: str
    message: str
    attempt: int | None
    at: str | None
    who_id: str | None
    who_name: str | None
    who_url: str | None = None
    what_id: str | None
    what_name: str | None
    what_url: str | None = None
    people: int
    activity_id: str | None
    activity_type: str | None
    subject: str | None


class FailureList(BaseModel):
    total: int
    code: str | None
    codes: list[FailureCode]
    failures: list[FailedRecord]


class RetryReply(BaseModel):
    requested: int
    sync_keys: list[str]
    skipped: list[str]


class SearchMatch(BaseModel):
    activity_id: str | None
    type: str | None
    subject: str | None
    occurred_at: str | None
    status: str | None
    roles: list[str]
    records: int


class SearchReply(BaseModel):
    query: str
    kind: Literal["email", "id"]
    matches: list[SearchMatch]


class SettingChanged(BaseModel):
    key: str
    old: Any
    new: Any
    version: int
    changed: bool


class SettingsDocument(BaseModel):
    version: int
    settings: dict[str, Any]
    defaults: dict[str, Any]
    shared_activities_in_effect: bool
    org_shared_activities: bool | None
    org_observed: Observed | None
    history: list[dict[str, Any]]


class ApplyReply(BaseModel):
    replay_id: str
    applied: int
    already_applied: int
    held: int
    forced: int
    skipped: int
    formed: int
    retired: int
    previously_applied: bool = Field(
        description="the whole plan was applied before: nothing was appended"
    )
    at: str


class PlanSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    replay_id: str
    created_at: str
    totals: dict[str, Any]
    counts: dict[str, int]
    settings: dict[str, Any]
    basis: dict[str, Any]
    applied: dict[str, Any] | None


class PlanDetail(BaseModel):
    plan: PlanSummary
    activities: list[dict[str, Any]]
    offset: int
    limit: int
