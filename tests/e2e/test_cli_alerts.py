"""`activity-sync alerts` and `settings set alert_*` as an admin runs them (exit codes, output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from audit_support import Store, open_store

from adapters.notices.sender import verify

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
SECRET = "alert-secret-for-e2e-0123456789ab"


def run(store: Store, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), "--store", store.url, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ["PATH"], "USER": "ana", **env},
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(tmp_path)
    opened.app.close()
    return opened


@pytest.fixture
def received() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    kept: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            kept.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None: ...

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/secretpath", kept
    server.shutdown()
    server.server_close()


def test_alert_settings_are_set_shown_by_host_and_kept_with_who(
    store: Store, received: Any
) -> None:
    url, _ = received
    set_url = run(store, "alerts", "set", "alert_url", url, "--by", "ana")
    set_format = run(store, "settings", "set", "alert_format", "slack")
    shown = run(store, "alerts", "show", "--json")
    history = run(store, "alerts", "history", "--json")

    assert set_url.returncode == 0 and set_format.returncode == 0, (
        set_url.stderr + set_format.stderr
    )
    assert (
        "secretpath" not in set_url.stdout
        and "alert_url: (off) -> http://127.0.0.1" in set_url.stdout
    )
    assert "alert_format: generic -> slack" in set_format.stdout
    document = json.loads(shown.stdout)
    assert document["alert_format"] == "slack" and document["alert_url"].endswith("/…")
    assert "secretpath" not in shown.stdout + history.stdout
    changes = json.loads(history.stdout)["changes"]
    assert [(c["key"], c["by"]) for c in changes] == [
        ("alert_url", "ana"),
        ("alert_format", "cli:ana"),
    ]
    # the planning settings are untouched: no new settings version for an alert change
    versions = json.loads(run(store, "settings", "history", "--json").stdout)["versions"]
    assert all(not (v["key"] or "").startswith("alert_") for v in versions)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("alert_failures", "0"),
        ("alert_window_minutes", "many"),
        ("alert_format", "teams"),
        ("alert_url", "ftp://x.example"),
    ],
)
def test_a_bad_alert_value_is_refused_with_exit_2(store: Store, key: str, value: str) -> None:
    result = run(store, "settings", "set", key, value)
    assert result.returncode == 2 and key in result.stderr and "Traceback" not in result.stderr


def test_alerts_send_posts_a_signed_spike_once(store: Store, received: Any) -> None:
    from audit_support import Org, planned_activity, sent

    from adapters.store.persistence import open_app

    url, kept = received
    run(store, "alerts", "set", "alert_url", url)
    run(store, "alerts", "set", "alert_failures", "2")
    app = open_app(store.url)
    org = Org()
    for n in range(2):
        org.contact(f"r{n}@acme.example", None)
        activity, plan = planned_activity(
            sent(f"r-{n}", [f"r{n}@acme.example"]), org, app.settings()
        )
        activity.record_failure(plan.tasks[0].sync_key, "INVALID_FIELD", "bad", False, 1)
        app.save(activity)
    app.close()

    unsigned = run(store, "alerts", "send", "--json")
    sent_now = run(store, "alerts", "send", "--json", ACTIVITY_SYNC_ALERT_SECRET=SECRET)
    again = run(store, "alerts", "send", "--json", ACTIVITY_SYNC_ALERT_SECRET=SECRET)

    assert json.loads(unsigned.stdout)["problem"].startswith("ACTIVITY_SYNC_ALERT_SECRET")
    assert json.loads(sent_now.stdout)["delivered"] == 1 and sent_now.returncode == 0
    assert json.loads(again.stdout)["delivered"] == 0
    ((headers, raw),) = kept
    assert verify(raw, headers["x-activity-sync-signature"], SECRET)
    assert json.loads(raw)["kind"] == "failure_spike"


def test_a_sync_the_org_refuses_at_start_alerts_once_a_day(
    shared_org: Any, tmp_path: Path, received: Any
) -> None:
    """R25: a session the org refuses (INVALID_SESSION_ID) stops `sync` at start with one
    sentence (exit 1) and sends `session_expired`; the next refused run sends nothing new."""
    url, kept = received
    (tmp_path / "refused").mkdir()
    store = open_store(tmp_path / "refused")
    store.app.close()
    run(store, "alerts", "set", "alert_url", url)
    env = {**shared_org.environment(), "SALESFORCE_SESSION_ID": "not-the-session-0123456789"}
    env["ACTIVITY_SYNC_ALERT_SECRET"] = SECRET

    first = run(store, "sync", **env)
    second = run(store, "sync", **env)

    assert first.returncode == second.returncode == 1
    assert "refused the session" in first.stderr and "Traceback" not in first.stderr
    ((headers, raw),) = kept
    body = json.loads(raw)
    assert body["kind"] == "session_expired" and "INVALID_SESSION_ID" in body["summary"]
    assert verify(raw, headers["x-activity-sync-signature"], SECRET)
    assert "not-the-session" not in raw.decode()
