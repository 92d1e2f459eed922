"""When the admin is alerted (pure): each logged event, with what came before, may raise an alert.

- `failure_spike`: `alert_failures` records refused for good within `alert_window_minutes`;
  after an alert the count starts again (the next alert needs as many new refusals).
- `budget_paused`: a sync run paused at the API budget (R25), once per episode: the next
  one only after a chunk was synced again.
- `session_expired`: a sync run paused because the org refused the session
  (INVALID_SESSION_ID, once the one renewal failed), once per episode likewise.
- `shared_activities_changed`: the org's shared-activities setting was seen to change
  (R17, R18); the first reading of a store is no change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.activity import EmailActivity
from domain.alert_settings import AlertConfig
from domain.settings import OrgSettings
from domain.sync_run import SyncRun

TOPICS = (
    EmailActivity.SyncFailed.TOPIC,
    SyncRun.Paused.TOPIC,
    SyncRun.ChunkSynced.TOPIC,
    OrgSettings.SharedActivitiesObserved.TOPIC,
)
SESSION_CODE = "INVALID_SESSION_ID"
MAX_AGE_SECONDS = 24 * 3600  # what happened longer ago is history, not news: no alert


@dataclass
class AlertState:
    """What the rules remember between events (kept with the follower's position)."""

    in_budget_pause: bool = False
    in_session_pause: bool = False
    refusals: list[float] = field(default_factory=list)  # epoch seconds, within the window
    shared: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "in_budget_pause": self.in_budget_pause,
            "in_session_pause": self.in_session_pause,
            "refusals": list(self.refusals),
            "shared": self.shared,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertState:
        return cls(
            bool(data.get("in_budget_pause")),
            bool(data.get("in_session_pause")),
            [float(t) for t in data.get("refusals", [])],
            data.get("shared"),
        )


@dataclass(frozen=True)
class Draft:
    """An alert to raise: its kind, its key (the log position), a sentence and details."""

    kind: str
    key: str
    summary: str
    detail: dict[str, Any]
    happened_at: str


def judge(
    event: Any, position: int, state: AlertState, config: AlertConfig, now: float
) -> list[Draft]:
    """The alerts one event raises (state is updated in place; nothing is raised while
    alerts are off, nor for events over a day old, but the state still follows the log)."""
    at: datetime = event.timestamp
    found: list[Draft] = []
    if isinstance(event, SyncRun.ChunkSynced):
        state.in_budget_pause = state.in_session_pause = False
    elif isinstance(event, SyncRun.Paused):
        found += _paused(event, position, state)
    elif isinstance(event, EmailActivity.SyncFailed) and not event.retryable:
        found += _refused(event, position, state, config)
    elif isinstance(event, OrgSettings.SharedActivitiesObserved):
        before, state.shared = state.shared, bool(event.enabled)
        if before is not None and before != state.shared:
            word = "enabled" if state.shared else "disabled"
            found.append(
                Draft(
                    "shared_activities_changed",
                    str(position),
                    f"The org's shared activities setting was {word} (seen by {event.source}).",
                    {"enabled": state.shared, "source": event.source},
                    at.isoformat(),
                )
            )
    fresh = now - at.timestamp() <= MAX_AGE_SECONDS
    return found if config.enabled and fresh else []


def _paused(event: Any, position: int, state: AlertState) -> list[Draft]:
    message = str(event.detail.get("message", ""))
    at = event.timestamp.isoformat()
    if event.reason == "budget" and not state.in_budget_pause:
        state.in_budget_pause = True
        summary = f"Sync paused at the API budget (R25): {message}".rstrip(": ")
        return [Draft("budget_paused", str(position), summary, {"message": message}, at)]
    if SESSION_CODE in message and not state.in_session_pause:
        state.in_session_pause = True
        summary = (
            "Sync stopped: the org refused the session (INVALID_SESSION_ID); set fresh credentials."
        )
        return [Draft("session_expired", str(position), summary, {"message": message}, at)]
    return []


def _refused(event: Any, position: int, state: AlertState, config: AlertConfig) -> list[Draft]:
    now = event.timestamp.timestamp()
    window = config.alert_window_minutes * 60
    state.refusals = [t for t in state.refusals if now - t < window] + [now]
    if len(state.refusals) < config.alert_failures:
        return []
    count, state.refusals = len(state.refusals), []
    summary = (
        f"{count} records refused for good within {config.alert_window_minutes} minutes "
        f"(the last: {event.code})."
    )
    detail = {
        "count": count,
        "window_minutes": config.alert_window_minutes,
        "last_code": event.code,
    }
    return [Draft("failure_spike", str(position), summary, detail, event.timestamp.isoformat())]
