"""When the admin is alerted (R17, R18, R25): the rules over logged events, pure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.activity import EmailActivity
from domain.alert_settings import AlertConfig
from domain.settings import OrgSettings
from domain.sync_run import SyncRun
from projections.alert_rules import AlertState, judge

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ON = AlertConfig(alert_url="https://alerts.example/hook", alert_failures=3, alert_window_minutes=10)


def refused(minutes: float, retryable: bool = False) -> Any:
    return EmailActivity.SyncFailed(
        originator_id=uuid.uuid4(),
        originator_version=4,
        timestamp=START + timedelta(minutes=minutes),
        sync_key="as1_x",
        code="INVALID_FIELD",
        message="No such column",
        retryable=retryable,
        attempt=1,
    )


def paused(reason: str, message: str, minutes: float = 0) -> Any:
    return SyncRun.Paused(
        originator_id=uuid.uuid4(),
        originator_version=3,
        timestamp=START + timedelta(minutes=minutes),
        reason=reason,
        detail={"message": message},
    )


def observed(enabled: bool) -> Any:
    return OrgSettings.SharedActivitiesObserved(
        originator_id=uuid.uuid4(),
        originator_version=2,
        timestamp=START,
        enabled=enabled,
        source="metadata_api",
    )


def kinds(
    events: list[Any], config: AlertConfig = ON, state: AlertState | None = None
) -> list[str]:
    state = state or AlertState()
    now = START.timestamp() + 3600
    return [d.kind for n, e in enumerate(events, 1) for d in judge(e, n, state, config, now)]


def test_refusals_within_the_window_make_one_spike_and_the_count_starts_again() -> None:
    """Three refused for good within ten minutes: one alert; the next needs three more."""
    assert kinds([refused(0), refused(4), refused(9)]) == ["failure_spike"]
    assert kinds([refused(m) for m in (0, 1, 2, 3, 4, 5)]) == ["failure_spike", "failure_spike"]


def test_refusals_spread_wider_than_the_window_are_no_spike() -> None:
    assert kinds([refused(0), refused(6), refused(12), refused(18)]) == []


def test_refusals_the_engine_retries_itself_do_not_count() -> None:
    assert kinds([refused(0, True), refused(1, True), refused(2, True)]) == []


def test_a_budget_pause_alerts_once_until_a_chunk_is_synced_again() -> None:
    chunk = SyncRun.ChunkSynced(
        originator_id=uuid.uuid4(), originator_version=2, timestamp=START, activities=1,
        emails=1, records_written=1, records_failed=0, api_calls=1, api_used=None,
        api_limit=None, resynced=0, resync_api_calls=0,
    )  # fmt: skip
    events = [
        paused("budget", "spent"),
        paused("budget", "spent"),
        chunk,
        paused("budget", "spent"),
    ]
    assert kinds(events) == ["budget_paused", "budget_paused"]


def test_an_expired_session_alerts_but_an_outage_does_not() -> None:
    events = [
        paused("org_unavailable", "CONNECTION_ERROR: could not connect"),
        paused("org_unavailable", "INVALID_SESSION_ID: Session expired or invalid"),
        paused("org_unavailable", "INVALID_SESSION_ID: Session expired or invalid"),
    ]
    assert kinds(events) == ["session_expired"]


def test_the_org_setting_changing_alerts_but_its_first_reading_does_not() -> None:
    assert kinds([observed(True), observed(False), observed(True)]) == [
        "shared_activities_changed",
        "shared_activities_changed",
    ]


def test_with_alerts_off_nothing_is_raised_but_the_state_follows_the_log() -> None:
    state = AlertState()
    assert kinds([observed(True), paused("budget", "spent")], AlertConfig(), state) == []
    assert state.shared is True and state.in_budget_pause is True
    assert kinds([observed(False)], ON, state) == ["shared_activities_changed"]


def test_events_older_than_a_day_raise_nothing() -> None:
    state = AlertState()
    late = START.timestamp() + 2 * 24 * 3600
    assert judge(paused("budget", "spent"), 1, state, ON, late) == []
