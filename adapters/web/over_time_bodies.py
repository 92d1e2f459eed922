"""The JSON API's answers about the engine over time: daily trends and the sync's pause switch."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Day(BaseModel):
    """One UTC day of `stats --days N`."""

    date: str
    synced: int
    failed: int
    api_calls: int
    tasks_avoided: int


class SyncSwitchState(BaseModel):
    """The sync's pause switch: paused or not, by whom, since when, why."""

    paused: bool
    by: str | None
    at: str | None
    reason: str | None


class PauseRequest(BaseModel):
    """`POST /api/sync/pause`: why (optional, shown beside the pause)."""

    reason: str = Field(default="", max_length=500)


class AlertsSummary(BaseModel):
    """Alerts on the health page: where they go (host only), in what format, by state."""

    to: str
    format: str
    pending: int
    delivered: int
    failed: int
