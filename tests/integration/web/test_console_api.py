"""The console's JSON API against a stored history: health, failures and retry, explain, settings, replay."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from console_support import BEARER, Running, running_console

from adapters.cli.audit import explain_command
from adapters.cli.config import Config
from adapters.store.work_queue import SqlWorkQueue
from adapters.views.task_view import catch_up
from domain.activity import EmailActivity
from domain.org_changes import OrgChange

CODE = "FIELD_CUSTOM_VALIDATION_EXCEPTION"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with running_console(tmp_path) as running:
        running.client.headers.update(BEARER)
        yield running


def get(running: Running, path: str) -> dict:
    response = running.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def test_health_reports_failures_by_code_sharing_budget_and_backlog(running: Running) -> None:
    """R23/R25 figures: refused records by Salesforce's code, Tasks avoided, the API share."""
    health = get(running, "/api/health")
    assert health["failures"]["by_code"] == [
        {"code": CODE, "records": 2, "example": "Subject is required"},
        {"code": "INVALID_FIELD", "records": 1, "example": "No such column"},
    ]
    assert health["failures"]["records"] == 3
    # 3 emails to 3 contacts and one to 60 (two batches): 9 + 60 people on 5 shared Tasks.
    assert health["avoided_by_sharing"] == {
        "tasks": 64,
        "one_task_per_contact_would_be": 69,
        "shared_tasks": 5,
    }
    assert health["api"]["used"] == 100 and health["api"]["budget_calls"] == 10500
    assert health["shared_activities"]["mode"] == "on"
    assert health["worker"]["state"] == "disabled"
    assert health["webhook_enabled"] is True


def test_the_backlog_counts_activities_with_work_left(running: Running) -> None:
    backlog = get(running, "/api/health")["backlog"]
    # Every activity of the history was saved straight to the store: none was settled by a worker.
    assert backlog["pending"] == backlog["ready"] == 12
    assert backlog["deferred"] == backlog["in_progress"] == 0


def test_failures_are_listed_with_salesforces_code_and_message_and_filter_by_code(
    running: Running,
) -> None:
    everything = get(running, "/api/failures")
    assert everything["total"] == 3
    one_code = get(running, f"/api/failures?code={CODE}")
    assert one_code["total"] == 2
    assert {f["activity_id"] for f in one_code["failures"]} == {"locked-1", "locked-2"}
    assert all(f["message"] == "Subject is required" for f in one_code["failures"])
    assert get(running, "/api/failures?code=NOPE")["failures"] == []


def test_retrying_all_of_a_code_appends_retry_requested_and_requeues_them(running: Running) -> None:
    """A retry is an event (RetryRequested) that puts the record back in the worker's queue."""
    queue = SqlWorkQueue(running.console.app, running.console.views)
    queue.catch_up()
    before = queue.pending_count()
    response = running.client.post("/api/failures/retry", json={"code": CODE, "confirm": True})
    assert response.status_code == 200
    assert response.json()["requested"] == 2
    for source_id in ("locked-1", "locked-2"):
        activity = running.console.app.activity(source_id)
        events = running.console.app.history(activity.id)
        assert isinstance(events[-1], EmailActivity.RetryRequested)
        assert events[-1].requested_by == "console"
        assert activity.failed == {} and activity.pending_writes()
    assert get(running, f"/api/failures?code={CODE}")["total"] == 0
    assert get(running, "/api/failures")["total"] == 1
    queue.catch_up()
    assert queue.pending_count() >= before  # both were already waiting; nothing was lost


def test_retrying_one_record_by_sync_key_leaves_the_others(running: Running) -> None:
    key = get(running, f"/api/failures?code={CODE}")["failures"][0]["sync_key"]
    response = running.client.post(
        "/api/failures/retry", json={"sync_keys": [key], "confirm": True}
    )
    assert response.json() == {"requested": 1, "sync_keys": [key], "skipped": []}
    assert get(running, f"/api/failures?code={CODE}")["total"] == 1
    story = get(running, f"/api/explain/{key}")
    assert [w["kind"] for w in story["tasks"][0]["writes"]][-1] == "retry_requested"


def test_a_retry_needs_its_confirmation_and_a_known_failed_record(running: Running) -> None:
    no_confirm = running.client.post("/api/failures/retry", json={"code": CODE})
    assert no_confirm.status_code == 422
    both = running.client.post(
        "/api/failures/retry", json={"code": CODE, "sync_keys": ["x"], "confirm": True}
    )
    assert both.status_code == 422
    unknown = running.client.post(
        "/api/failures/retry", json={"sync_keys": ["as1-nothing"], "confirm": True}
    )
    assert unknown.status_code == 404
    assert get(running, "/api/failures")["total"] == 3


@pytest.mark.parametrize("ident", ["big", "e1", "refused"])
def test_api_explain_returns_exactly_the_explain_json_document(
    running: Running, ident: str
) -> None:
    """R21: `GET /api/explain/{id}` and `activity-sync explain ID --json` give the same document."""
    config = Config(store=running.store.url, salesforce=None)
    done = CliRunner().invoke(explain_command, [ident, "--json"], obj=config)
    assert done.exit_code == 0, done.output
    from_cli = orjson.loads(done.output)
    from_api = get(running, f"/api/explain/{ident}")
    assert from_api == from_cli
    key = from_api["tasks"][0]["sync_key"]
    sf_id = from_api["tasks"][0]["salesforce_id"]
    assert get(running, f"/api/explain/{key}")["query"] == {"id": key, "matched": "sync_key"}
    if sf_id:
        assert get(running, f"/api/explain/{sf_id}")["tasks"][0]["sync_key"] == key


def test_api_explain_of_an_unknown_id_is_404(running: Running) -> None:
    response = running.client.get("/api/explain/no-such-thing")
    assert response.status_code == 404
    assert "no-such-thing" in response.json()["detail"]


def test_search_by_email_finds_the_activities_naming_the_address(running: Running) -> None:
    found = get(running, "/api/search?q=P00@ACME.example")
    assert found["kind"] == "email"
    ids = {m["activity_id"] for m in found["matches"]}
    assert {"e0", "e1", "e2", "big", "refused", "open-1", "meet-1", "waiting"} <= ids
    assert "nobody" not in ids
    opened = next(m for m in found["matches"] if m["activity_id"] == "open-1")
    assert opened["roles"] == ["actor"]
    assert get(running, "/api/search?q=nobody-at-all@x.example")["matches"] == []


def test_settings_change_through_the_api_is_the_same_event_as_the_cli(running: Running) -> None:
    """R16: a new settings version, recorded with who changed it."""
    before = get(running, "/api/settings")
    response = running.client.post(
        "/api/settings",
        json={"key": "excluded", "value": "Rival.example, b@c.example", "confirm": True},
    )
    assert response.status_code == 200
    assert response.json() == {
        "key": "excluded",
        "old": [],
        "new": ["rival.example", "b@c.example"],
        "version": before["version"] + 1,
        "changed": True,
    }
    after = get(running, "/api/settings")
    assert after["history"][-1]["key"] == "excluded" and after["history"][-1]["by"] == "console"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"key": "nonsense", "value": "1", "confirm": True}, 422),
        ({"key": "batch_size", "value": "51", "confirm": True}, 422),
        ({"key": "batch_size", "value": "5"}, 422),
        ({"key": "batch_size", "value": "5", "confirm": False}, 422),
    ],
)
def test_a_bad_or_unconfirmed_setting_changes_nothing(
    running: Running, body: dict, status: int
) -> None:
    version = running.console.app.settings().version
    assert running.client.post("/api/settings", json=body).status_code == status
    assert running.console.app.settings().version == version


def _plan(running: Running) -> dict:
    response = running.client.post("/api/replay/plans", json={"read_org": False})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_replay_plan_shows_its_diff_and_applies_only_when_confirmed(running: Running) -> None:
    """R19: shared activities turned off: each shared Task becomes individual Tasks."""
    running.client.post(
        "/api/settings", json={"key": "shared_activities", "value": "off", "confirm": True}
    )
    plan = _plan(running)
    assert plan["counts"]["create"] > 0 and plan["applied"] is None
    detail = get(running, f"/api/replay/plans/{plan['replay_id']}?limit=2")
    assert detail["plan"]["replay_id"] == plan["replay_id"] and len(detail["activities"]) == 2
    assert {i["kind"] for a in detail["activities"] for i in a["items"]} >= {"create"}
    path = f"/api/replay/plans/{plan['replay_id']}/apply"
    assert running.client.post(path, json={}).status_code == 422
    applied = running.client.post(path, json={"confirm": True})
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] == plan["totals"]["changed"]
    story = get(running, "/api/explain/e0")
    replays = [r["replay_id"] for t in story["tasks"] for r in t["replays"]]
    assert plan["replay_id"] in replays
    assert get(running, "/api/replay/plans")[0]["applied"]["applied"] == applied.json()["applied"]


def test_a_stale_plan_is_refused_with_409(running: Running) -> None:
    running.client.post(
        "/api/settings", json={"key": "shared_activities", "value": "off", "confirm": True}
    )
    plan = _plan(running)
    running.client.post("/api/settings", json={"key": "batch_size", "value": "7", "confirm": True})
    response = running.client.post(
        f"/api/replay/plans/{plan['replay_id']}/apply", json={"confirm": True}
    )
    assert response.status_code == 409
    assert "make a new plan" in response.json()["detail"]


def test_a_plan_changed_in_the_plans_folder_is_refused_with_400_and_nothing_appended(
    running: Running,
) -> None:
    """R19: the console applies through the same digest check as `replay apply`."""
    running.client.post(
        "/api/settings", json={"key": "shared_activities", "value": "off", "confirm": True}
    )
    plan = _plan(running)
    path = running.console.plans.folder / f"{plan['replay_id']}.json"
    document = orjson.loads(path.read_bytes())
    document["activities"] = document["activities"][1:]  # "leave this one out", by hand
    path.write_bytes(orjson.dumps(document))
    position = running.console.app.recorder.max_notification_id()

    response = running.client.post(
        f"/api/replay/plans/{plan['replay_id']}/apply", json={"confirm": True}
    )

    assert response.status_code == 400
    assert "changed after it was made" in response.json()["detail"]
    assert running.console.app.recorder.max_notification_id() == position
    assert get(running, "/api/replay/plans")[0]["applied"] is None


def test_applying_an_applied_plan_again_appends_nothing(running: Running) -> None:
    """R19, R20: the second apply says the plan was applied before."""
    running.client.post(
        "/api/settings", json={"key": "shared_activities", "value": "off", "confirm": True}
    )
    plan = _plan(running)
    path = f"/api/replay/plans/{plan['replay_id']}/apply"
    first = running.client.post(path, json={"confirm": True}).json()
    position = running.console.app.recorder.max_notification_id()

    again = running.client.post(path, json={"confirm": True})

    assert again.status_code == 200 and again.json()["previously_applied"] is True
    assert first["previously_applied"] is False and first["applied"] > 0
    assert running.console.app.recorder.max_notification_id() == position


@pytest.mark.parametrize(
    "replay_id", ["nope", "replay-20260101T000000Z-abcdef", "../../etc/passwd"]
)
def test_an_unknown_plan_is_404(running: Running, replay_id: str) -> None:
    assert running.client.get(f"/api/replay/plans/{replay_id}").status_code == 404


def test_stats_and_rejected_are_the_cli_documents(running: Running) -> None:
    catch_up(running.console.app, running.console.views)
    stats = get(running, "/api/stats")
    assert stats["rejected_lines"] == 2 and stats["written"]["shared_tasks"] == 5
    kept = get(running, "/api/rejected")
    assert kept["total"] == 2 and {line["line"] for line in kept["rejected"]} == {3, 7}


def test_health_counts_and_explain_tells_what_the_org_changed(running: Running) -> None:
    """R27: a written Task deleted by a person in the org is counted on the health page and
    told in its story."""
    app = running.store.app
    activity = app.activity("e0")
    key = next(iter(activity.written))
    before = activity.baseline(key)
    assert before is not None
    gone = replace(before, deleted=True, modified_by="005PAT")
    activity.record_org_changes([OrgChange("deleted", "2026-11-03T10:00:00+00:00", "005PAT")], gone)
    app.save(activity)

    health = get(running, "/api/health")
    page = running.client.get(f"/explain?q={activity.written[key]}").text

    assert health["org_changes"]["total"] == 1 and health["org_changes"]["by_kind"]["deleted"] == 1
    assert "It was deleted in the org by 005PAT." in page
