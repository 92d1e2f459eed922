"""Named admin tokens (one per person) and the pause switch in the console: changes name who made them.

Tokens never appear in events, pages or answers; names do (`console:<name>`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from console_support import BASE, Running, csrf_of, running_console
from fastapi.testclient import TestClient

from adapters.web.admins import from_env, parse_entries
from adapters.web.config import from_env as config_from_env
from domain.errors import BadInput
from domain.sync_switch import SWITCH_ID

ANA = "ana-token-0123456789abcdef-0001"
BEN = "ben-token-0123456789abcdef-0002"
PEOPLE = (("ana", ANA), ("ben", BEN))


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with running_console(tmp_path, token=None, admin_names=PEOPLE) as running:
        yield running


def sign_in_as(running: Running, token: str) -> TestClient:
    client = TestClient(running.app, base_url=BASE)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"token": token, "next": "/", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client


def test_a_setting_changed_in_the_console_names_the_admin_in_its_history(running: Running) -> None:
    """R16: the settings history shows who changed what: `console:ben`, never the token."""
    ben = sign_in_as(running, BEN)
    csrf = csrf_of(ben.get("/settings").text)
    fields = {"key": "batch_size", "value": "20", "confirmed": "yes", "csrf_token": csrf}
    assert ben.post("/settings", data=fields, follow_redirects=False).status_code == 303

    page = ben.get("/settings").text
    history = ben.get("/api/settings").json()["history"]
    assert history[-1]["key"] == "batch_size" and history[-1]["by"] == "console:ben"
    assert "console:ben" in page
    events = list(running.console.app.settings_history())
    assert events[-1].changed_by == "console:ben"
    for token in (ANA, BEN):
        assert token not in page and token not in repr(events)


def test_an_api_call_with_a_named_bearer_token_is_recorded_under_that_name(
    running: Running,
) -> None:
    answer = running.client.post(
        "/api/settings",
        json={"key": "include_bcc", "value": "true", "confirm": True},
        headers={"Authorization": f"Bearer {ANA}"},
    )
    assert answer.status_code == 200, answer.text
    assert running.console.app.settings_aggregate().version > 1
    assert list(running.console.app.settings_history())[-1].changed_by == "console:ana"


def test_a_wrong_token_is_refused(running: Running) -> None:
    answer = running.client.get(
        "/api/health", headers={"Authorization": "Bearer nope-nope-nope-nope"}
    )
    assert answer.status_code == 401


def test_the_pause_button_pauses_and_names_the_admin_and_resume_undoes_it(running: Running) -> None:
    """The switch: a button on the health page (CSRF, admin token), a SyncPaused event
    naming who pressed it; the page then offers Resume."""
    ana = sign_in_as(running, ANA)
    csrf = csrf_of(ana.get("/").text)
    pressed = ana.post(
        "/sync/pause", data={"csrf_token": csrf, "reason": "org migration"}, follow_redirects=False
    )
    page = ana.get("/").text

    assert pressed.status_code == 303
    assert 'data-paused="yes"' in page and "console:ana" in page and "org migration" in page
    assert 'id="resume-sync"' in page
    assert (
        running.client.get("/api/sync", headers={"Authorization": f"Bearer {BEN}"}).json()["by"]
        == "console:ana"
    )

    ben = sign_in_as(running, BEN)
    ben.post("/sync/resume", data={"csrf_token": csrf_of(ben.get("/").text)})
    events = [
        type(e).__name__ + ":" + e.by
        for e in running.console.app.events.get(SWITCH_ID)
        if hasattr(e, "by")
    ]
    assert events == ["SyncPaused:console:ana", "SyncResumed:console:ben"]
    assert 'data-paused="no"' in ben.get("/").text


def test_the_pause_button_needs_a_csrf_token_and_the_admin_token(running: Running) -> None:
    anonymous = TestClient(running.app, base_url=BASE)
    assert anonymous.post("/sync/pause", data={}, follow_redirects=False).status_code == 401
    ana = sign_in_as(running, ANA)
    assert ana.post("/sync/pause", data={"csrf_token": "forged"}).status_code == 403
    assert (
        running.client.get("/api/sync", headers={"Authorization": f"Bearer {ANA}"}).json()["paused"]
        is False
    )


def test_named_tokens_come_from_the_environment_or_a_file(tmp_path: Path) -> None:
    listed = from_env({"ACTIVITY_SYNC_ADMIN_TOKENS": f"Ana:{ANA}, ben:{BEN}"}, None)
    file = tmp_path / "admins"
    file.write_text(f"# the console's admins\nana:{ANA}\n\nben:{BEN}\n", encoding="utf-8")
    file.chmod(0o600)
    from_file = from_env({"ACTIVITY_SYNC_ADMIN_TOKENS_FILE": str(file)}, None)
    single = "single-token-0123456789abcdef"
    both = from_env({"ACTIVITY_SYNC_ADMIN_TOKENS": f"ana:{ANA}"}, single)

    assert listed == from_file == PEOPLE
    file.chmod(0o644)
    with pytest.raises(BadInput, match="chmod 600"):
        from_env({"ACTIVITY_SYNC_ADMIN_TOKENS_FILE": str(file)}, None)
    assert both == (("ana", ANA), ("admin", single))  # the single token keeps working
    assert from_env({}, single) == ()  # alone, it is the console's one unnamed token
    config = config_from_env({"ACTIVITY_SYNC_ADMIN_TOKENS": f"ana:{ANA}"})
    assert config.guarded and config.admin_names == (("ana", ANA),)
    assert ANA not in repr(config)


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("ana", "expected name:token"),
        ("ana:short", "too short"),
        (f"ana:{ANA},ana:{BEN}", "named twice"),
        (f"ana:{ANA},ben:{ANA}", "another person's"),
        (f"Ana Smith:{ANA}", "expected name:token"),
    ],
)
def test_a_bad_entry_is_refused_naming_it_but_never_its_token(entry: str, says: str) -> None:
    entries = [(f"entry {n}", e) for n, e in enumerate(entry.split(","), start=1)]
    with pytest.raises(BadInput) as refused:
        parse_entries(entries)
    assert says in str(refused.value) and "entry" in str(refused.value)
    assert ANA not in str(refused.value)


def test_alert_settings_change_in_the_console_with_a_confirmation_and_name_the_admin(
    running: Running,
) -> None:
    """The settings page's Alerts: a change asks first, then an alert settings event names
    `console:ana`; the address is shown by its host only (its path may be a secret)."""
    version = running.console.app.settings().version
    ana = sign_in_as(running, ANA)
    csrf = csrf_of(ana.get("/settings").text)
    url = "https://hooks.slack.example/services/T0/B0/very-secret-path"
    fields = {"key": "alert_url", "value": url, "csrf_token": csrf}

    asked = ana.post("/settings/alerts", data=fields)
    before = running.client.get("/api/alerts", headers={"Authorization": f"Bearer {ANA}"}).json()
    done = ana.post("/settings/alerts", data={**fields, "confirmed": "yes"}, follow_redirects=False)
    page = ana.get("/settings").text
    panel = running.client.get("/api/alerts", headers={"Authorization": f"Bearer {BEN}"}).json()

    assert asked.status_code == 200 and "Change alert_url?" in asked.text
    assert "(off) → https://hooks.slack.example/…" in asked.text  # the form carries it, unshown
    assert before["settings"]["alert_url"] == ""  # nothing changed before the confirmation
    assert done.status_code == 303
    assert panel["settings"]["alert_url"] == "https://hooks.slack.example/…"
    assert panel["history"][0]["by"] == "console:ana"
    assert "very-secret-path" not in page and 'id="alert-history"' in page
    assert running.console.app.settings().version == version  # no new settings version


def test_a_bad_alert_value_is_explained_on_the_page(running: Running) -> None:
    ana = sign_in_as(running, ANA)
    csrf = csrf_of(ana.get("/settings").text)
    answer = ana.post(
        "/settings/alerts", data={"key": "alert_failures", "value": "0", "csrf_token": csrf}
    )
    assert answer.status_code == 400 and "alert_failures" in answer.text
