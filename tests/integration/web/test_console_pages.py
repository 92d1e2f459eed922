"""The console's pages: health cards, failures with confirmed retries, explain's timeline, settings, replay."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_support import Running, csrf_of, running_console, sign_in

from domain.activity import EmailActivity

CODE = "FIELD_CUSTOM_VALIDATION_EXCEPTION"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with running_console(tmp_path) as running:
        yield running


@pytest.fixture
def csrf(running: Running) -> str:
    return sign_in(running)


def test_the_health_page_shows_figures_and_a_card_per_failure_code(
    running: Running, csrf: str
) -> None:
    page = running.client.get("/").text
    assert f'href="/failures?code={CODE}"' in page
    assert 'href="/failures?code=INVALID_FIELD"' in page
    assert "Tasks avoided by sharing" in page and ">64<" in page
    assert '<meter id="budget"' in page
    assert "In effect" in page


def test_a_failure_card_opens_the_list_of_that_code(running: Running, csrf: str) -> None:
    page = running.client.get(f"/failures?code={CODE}").text
    assert page.count("Subject is required") == 2
    assert "No such column" not in page
    assert f"Retry all 2 with {CODE}" in page


def test_retry_all_asks_for_confirmation_before_appending_anything(
    running: Running, csrf: str
) -> None:
    asked = running.client.post("/failures/retry", data={"code": CODE, "csrf_token": csrf})
    assert asked.status_code == 200
    assert f"Retry all 2 records refused with {CODE}?" in asked.text
    assert running.console.app.activity("locked-1").failed  # nothing happened yet
    done = running.client.post(
        "/failures/retry",
        data={"code": CODE, "csrf_token": csrf_of(asked.text), "confirmed": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "retried=2" in done.headers["location"]
    for source_id in ("locked-1", "locked-2"):
        activity = running.console.app.activity(source_id)
        assert not activity.failed
        assert isinstance(
            running.console.app.history(activity.id)[-1], EmailActivity.RetryRequested
        )
    assert "2 records re-queued" in running.client.get(done.headers["location"]).text


def test_retry_one_record_from_its_row(running: Running, csrf: str) -> None:
    page = running.client.get("/failures?code=INVALID_FIELD").text
    key = re.search(r'name="sync_key" value="([^"]+)"', page).group(1)
    asked = running.client.post("/failures/retry", data={"sync_key": key, "csrf_token": csrf})
    assert f"Retry the failed record {key}?" in asked.text
    running.client.post(
        "/failures/retry", data={"sync_key": key, "csrf_token": csrf, "confirmed": "yes"}
    )
    assert not running.console.app.activity("refused").failed
    assert running.console.app.activity("locked-1").failed


def test_explain_by_task_id_reads_as_a_timeline(running: Running, csrf: str) -> None:
    """R21: who matched, batch, primary, related record and rule, settings version, writes."""
    story = running.client.get("/api/explain/big", headers={"X-CSRF-Token": csrf}).json()
    task_id = story["tasks"][0]["salesforce_id"]
    page = running.client.get(f"/explain?q={task_id}").text
    assert "Who is who" in page and "p00@acme.example" in page
    assert "Batch</dt><dd>1 of 2, 50 people" in page
    assert "Primary (Name)" in page
    assert "Planned under settings version" in page
    assert f"Written to the org as {task_id}" in page
    assert "49 more people related to" in page


def test_explain_shows_a_refusal_in_the_timeline(running: Running, csrf: str) -> None:
    page = running.client.get("/explain?q=refused").text
    assert "Refused by the org (attempt 1): INVALID_FIELD: No such column" in page


def test_explain_by_email_lists_the_activities_then_each_story(running: Running, csrf: str) -> None:
    page = running.client.get("/explain?q=p01@acme.example").text
    assert 'href="/explain?q=e0"' in page and 'href="/explain?q=meet-1"' in page
    assert running.client.get("/explain?q=e0").status_code == 200


def test_explain_of_an_unknown_id_says_so(running: Running, csrf: str) -> None:
    response = running.client.get("/explain?q=no-such-id")
    assert response.status_code == 404
    assert "no Task, Event, sync key or activity matches" in response.text


def test_a_setting_changes_only_after_its_confirmation(running: Running, csrf: str) -> None:
    version = running.console.app.settings().version
    asked = running.client.post(
        "/settings", data={"key": "opportunity_mode", "value": "contact_role", "csrf_token": csrf}
    )
    assert "opportunity_mode: account → contact_role" in asked.text
    assert running.console.app.settings().version == version
    done = running.client.post(
        "/settings",
        data={
            "key": "opportunity_mode",
            "value": "contact_role",
            "csrf_token": csrf,
            "confirmed": "yes",
        },
    )
    assert done.status_code == 200 and "opportunity_mode changed" in done.text
    assert running.console.app.settings().opportunity_mode == "contact_role"
    assert running.console.app.settings().version == version + 1


def test_a_bad_setting_is_explained_on_the_page(running: Running, csrf: str) -> None:
    response = running.client.post(
        "/settings", data={"key": "batch_size", "value": "500", "csrf_token": csrf}
    )
    assert response.status_code == 400
    assert "expected a whole number from 1 to 50" in response.text


def test_a_replay_plan_is_made_shown_and_applied_after_confirmation(
    running: Running, csrf: str
) -> None:
    """R19 from the console: plan, read the diff, confirm, apply."""
    running.client.post(
        "/settings",
        data={"key": "shared_activities", "value": "off", "csrf_token": csrf, "confirmed": "yes"},
    )
    made = running.client.post("/replay/plans", data={"csrf_token": csrf}, follow_redirects=False)
    assert made.status_code == 303
    plan_page = running.client.get(made.headers["location"]).text
    replay_id = made.headers["location"].rsplit("/", 1)[1]
    assert 'data-kind="create"' in plan_page and "Apply this plan" in plan_page
    asked = running.client.post(f"/replay/{replay_id}/apply", data={"csrf_token": csrf})
    assert f"Apply replay plan {replay_id}?" in asked.text
    assert replay_id not in str(running.console.app.history(running.console.app.activity("e0").id))
    applied = running.client.post(
        f"/replay/{replay_id}/apply", data={"csrf_token": csrf, "confirmed": "yes"}
    )
    assert applied.status_code == 200 and "Applied" in applied.text
    retired = [
        e
        for e in running.console.app.history(running.console.app.activity("e0").id)
        if isinstance(e, EmailActivity.BatchRetired)
    ]
    assert retired and retired[0].replay_id == replay_id
    assert replay_id in running.client.get("/replay").text
