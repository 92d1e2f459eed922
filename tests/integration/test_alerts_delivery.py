"""Alerts to the admin, delivered to a real HTTP receiver on this machine (R17, R18, R25).

Each alert is raised once from the log, sent once, signed (generic) or shaped for Slack,
retried after a refusal that may pass, and every attempt is an event."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from audit_support import Org, Store, open_store, planned_activity, sent

from adapters.notices.alerts_run import alerter_for
from adapters.notices.sender import sign
from adapters.store.persistence import locate
from domain.alerts import Alert
from domain.sync_run import SyncRun
from projections.alerter import AlertOptions, AlertReport, change_alert_setting

SECRET = "alert-secret-for-tests-0123456789"


@dataclass
class Receiver:
    """A tiny webhook receiver: keeps every request, answers the scripted statuses (then 200)."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    kept = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            kept.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(kept.statuses.pop(0) if kept.statuses else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None: ...

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    kept.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/activity-sync"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield kept
    server.shutdown()
    server.server_close()


@pytest.fixture
def store(tmp_path: Path, receiver: Receiver) -> Store:
    opened = open_store(tmp_path)
    change_alert_setting(opened.app, "alert_url", receiver.url, "cli:ana")
    change_alert_setting(opened.app, "alert_failures", "3", "cli:ana")
    return opened


def run(store: Store, env: dict[str, str] | None = None) -> AlertReport:
    options = AlertOptions(retry_base_seconds=0.0, retry_cap_seconds=0.0)
    alerter = alerter_for(
        store.app,
        locate(store.url),
        {"ACTIVITY_SYNC_ALERT_SECRET": SECRET} if env is None else env,
        options=options,
    )
    return alerter.run()


def refuse(store: Store, count: int, start: int = 0) -> None:
    org = Org()
    for n in range(start, start + count):
        org.contact(f"r{n}@acme.example", None)
        activity, plan = planned_activity(
            sent(f"refused-{n}", [f"r{n}@acme.example"]), org, store.app.settings()
        )
        activity.record_failure(
            plan.tasks[0].sync_key,
            "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "Subject is required",
            False,
            1,
        )
        store.app.save(activity)


def pause(store: Store, reason: str, message: str) -> None:
    run_ = SyncRun.start("worker-1", 1)
    run_.pause(reason, {"message": message})
    run_.finish(pending=3)
    store.app.save(run_)


def chunk(store: Store) -> None:
    run_ = SyncRun.start("worker-1", 1)
    run_.record_chunk(
        activities=1,
        emails=1,
        records_written=1,
        records_failed=0,
        api_calls=2,
        api_used=None,
        api_limit=None,
    )
    store.app.save(run_)


def alerts_of(store: Store) -> list[Alert]:
    found = []
    for notification in store.app.notification_log.select(start=1, limit=1000):
        if notification.topic == Alert.AlertRaised.TOPIC:
            found.append(store.app.repository.get(notification.originator_id))
    return found


def test_a_spike_of_refusals_is_sent_once_signed_with_the_secret(
    store: Store, receiver: Receiver
) -> None:
    """R25: three records refused for good within the window (the setting) is a spike; the
    generic webhook carries the signature of its raw body, and a second run sends nothing."""
    refuse(store, 2)
    assert run(store).raised == 0 and receiver.received == []  # two are no spike
    refuse(store, 1, start=2)

    first = run(store)
    second = run(store)

    assert (first.raised, first.delivered, second.raised, second.delivered) == (1, 1, 0, 0)
    ((headers, raw),) = receiver.received
    assert headers["x-activity-sync-signature"] == sign(raw, SECRET)
    body = orjson.loads(raw)
    assert body["kind"] == "failure_spike" and body["detail"]["count"] == 3
    assert body["detail"]["last_code"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert "3 records refused for good within 60 minutes" in body["summary"]
    (alert,) = alerts_of(store)
    assert alert.state == "delivered" and alert.attempts == 1
    history = [type(e).__name__ for e in store.app.events.get(alert.id)]
    assert history == ["AlertRaised", "AlertDelivered"]
    stored = b"".join(n.state for n in store.app.notification_log.select(start=1, limit=1000))
    assert SECRET.encode() not in stored


def test_a_refusal_that_may_pass_is_retried_and_every_attempt_recorded(
    store: Store, receiver: Receiver
) -> None:
    """The receiver answers 503 once: the attempt is an AlertFailed event (retryable), the next
    run delivers the same alert (same id), and nothing is lost."""
    receiver.statuses = [503]
    refuse(store, 3)

    first = run(store)
    second = run(store)

    assert (first.retrying, first.delivered, second.delivered) == (1, 0, 1)
    ids = {headers["x-activity-sync-alert"] for headers, _ in receiver.received}
    assert len(receiver.received) == 2 and len(ids) == 1
    (alert,) = alerts_of(store)
    events = list(store.app.events.get(alert.id))
    assert [type(e).__name__ for e in events] == ["AlertRaised", "AlertFailed", "AlertDelivered"]
    assert events[1].code == "http_503" and events[1].retryable is True
    assert receiver.url not in repr(events)  # the address is not in the alert's events


def test_a_receiver_refusing_for_good_fails_the_alert_once(
    store: Store, receiver: Receiver
) -> None:
    receiver.statuses = [404]
    refuse(store, 3)
    report = run(store)
    again = run(store)
    assert report.failed == 1 and again.failed == 0 and len(receiver.received) == 1
    assert report.failures[0]["code"] == "http_404"


def test_slack_gets_text_once_per_budget_pause_until_a_chunk_syncs_again(
    store: Store, receiver: Receiver
) -> None:
    """R25: the budget pause is sent as Slack's {"text": ...}; further pauses of the same
    episode are not; after a synced chunk, the next pause is news again."""
    change_alert_setting(store.app, "alert_format", "slack", "cli:ana")
    pause(store, "budget", "the engine's share of the daily limit is spent (7000 of 7000)")
    run(store)
    pause(store, "budget", "still spent")
    run(store)
    chunk(store)
    pause(store, "budget", "spent again")
    run(store)

    bodies = [orjson.loads(raw) for _, raw in receiver.received]
    assert len(bodies) == 2 and all(set(b) == {"text"} for b in bodies)
    assert (
        "Sync paused at the API budget" in bodies[0]["text"] and "7000 of 7000" in bodies[0]["text"]
    )


def test_an_expired_session_is_an_alert(store: Store, receiver: Receiver) -> None:
    pause(store, "org_unavailable", "INVALID_SESSION_ID: Session expired or invalid")
    pause(store, "org_unavailable", "INVALID_SESSION_ID: Session expired or invalid")
    pause(store, "org_unavailable", "CONNECTION_ERROR: could not connect")
    run(store)
    (body,) = [orjson.loads(raw) for _, raw in receiver.received]
    assert body["kind"] == "session_expired" and "INVALID_SESSION_ID" in body["summary"]


def test_the_org_changing_its_shared_activities_setting_is_an_alert(
    store: Store, receiver: Receiver
) -> None:
    """R17, R18: the first reading is no change; enabled -> disabled is."""
    store.app.observe_shared_activities(True, "metadata_api")
    run(store)
    store.app.observe_shared_activities(False, "write_refused")
    run(store)
    (body,) = [orjson.loads(raw) for _, raw in receiver.received]
    assert body["kind"] == "shared_activities_changed" and body["detail"]["enabled"] is False
    assert "disabled" in body["summary"]


def test_without_the_secret_a_generic_alert_waits_and_is_sent_once_it_is_set(
    store: Store, receiver: Receiver
) -> None:
    """Never lost: no secret, no attempt (and no event); set it, the alert goes."""
    refuse(store, 3)
    waiting = run(store, env={})
    assert waiting.raised == 1 and waiting.waiting == 1 and receiver.received == []
    assert waiting.problem and "ACTIVITY_SYNC_ALERT_SECRET" in waiting.problem
    assert run(store).delivered == 1 and len(receiver.received) == 1


def test_an_address_kept_in_the_environment_is_read_when_sending(
    store: Store, receiver: Receiver
) -> None:
    """`alert_url env:NAME`: an address that is a secret itself never goes into an event."""
    change_alert_setting(store.app, "alert_url", "env:TEAM_ALERTS_URL", "cli:ana")
    refuse(store, 3)
    assert run(store).problem is not None
    report = run(store, env={"ACTIVITY_SYNC_ALERT_SECRET": SECRET, "TEAM_ALERTS_URL": receiver.url})
    assert report.delivered == 1 and len(receiver.received) == 1


def test_with_alerts_off_nothing_is_raised(store: Store, receiver: Receiver) -> None:
    change_alert_setting(store.app, "alert_url", "", "cli:ana")
    refuse(store, 5)
    assert run(store).raised == 0 and receiver.received == []
