"""A person's decision in the org wins (R28): replay reports it and leaves it unless forced.

Pat (a second User of the local org) removes people from a shared Task or deletes a Task
the engine wrote, while the org's shared activities setting stays on; then a setting that
does not concern that Task changes and the admin replays. The plan holds the activity,
apply leaves the org as Pat left it, and `--force` is the admin's way to override.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sync_e2e_support import SyncCase, people, store_url_in
from test_sync_drift import run

from adapters.cli.main import _register, cli
from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    running = start_local_org(tmp_path_factory.mktemp("r28-org") / "org.db", people={"pat": "Pat"})
    yield running
    running.stop()


@pytest.fixture
def case(org: LocalOrg, tmp_path: Path) -> SyncCase:
    case = SyncCase(org, store_url_in(tmp_path))
    case.seed(
        {
            "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
            "contacts": people("c", 3, case.domain, AccountId="@acme"),
        }
    )
    return case


def shared_task(case: SyncCase) -> dict[str, Any]:
    case.ingest(case.sent("r28", ["c0", "c1", "c2"]))
    run(case, "sync", "--json", "--drift-minutes", "0")
    (task,) = case.tasks()
    assert len(task["people"]) == 3
    return task


def replay(case: SyncCase, folder: Path, *apply: str) -> dict[str, Any]:
    """An unrelated setting changes (Bcc: the email has none), then plan, apply, sync."""
    run(case, "settings", "set", "include_bcc", "true")
    plan = folder / f"plan-{len(list(folder.glob('plan-*')))}.json"
    run(case, "replay", "plan", "--out", str(plan))
    run(case, "replay", "apply", str(plan), "--sync", "--json", "--yes", *apply)
    return dict(json.loads(plan.read_text()))


def test_secondaries_a_person_removed_stay_removed_while_sharing_is_on(
    case: SyncCase, tmp_path: Path
) -> None:
    """R28 (not R18): the org's setting is on the whole time, so a Task left with only its
    primary is Pat's doing: held, not related again."""
    task = shared_task(case)
    pat = case.org.salesforce(as_user="pat")
    rows = pat.query(
        f"SELECT Id, RelationId FROM TaskRelation WHERE TaskId = '{task['Id']}' AND IsWhat = false"
    )["records"]
    for row in rows:
        if row["RelationId"] != task["WhoId"]:
            pat.TaskRelation.delete(row["Id"])

    plan = replay(case, tmp_path)

    assert plan["totals"]["held"] == 1 and plan["counts"]["edited_in_org"] == 1
    (after,) = case.tasks()
    assert after["Id"] == task["Id"] and after["people"] == [task["WhoId"]]


def test_a_task_a_person_deleted_is_reported_and_left_deleted_unless_forced(
    case: SyncCase, tmp_path: Path
) -> None:
    """R28: a deletion is a person's decision: `deleted_in_org`, held; --force re-creates."""
    task = shared_task(case)
    case.org.salesforce(as_user="pat").Task.delete(task["Id"])

    plan = replay(case, tmp_path)

    assert plan["counts"]["deleted_in_org"] == 1 and plan["totals"]["held"] == 1
    assert plan["counts"]["create"] == 0 and case.tasks() == []
    run(case, "settings", "set", "include_bcc", "false")
    forced = folder_plan(case, tmp_path)
    run(case, "replay", "apply", forced, "--sync", "--json", "--yes", "--force")
    (again,) = case.tasks()
    assert again["Id"] != task["Id"] and len(again["people"]) == 3


def folder_plan(case: SyncCase, folder: Path) -> str:
    plan = folder / "forced.json"
    run(case, "replay", "plan", "--out", str(plan))
    return str(plan)


def test_a_contact_deleted_in_the_org_is_left_out_without_a_drift_command_first(
    case: SyncCase, tmp_path: Path
) -> None:
    """R27, R28: replay plan looks at the org's changes itself, so a Contact deleted since
    the last look is planned without, and nothing is refused (no ENTITY_IS_DELETED)."""
    task = shared_task(case)
    (c2,) = case.who("c2")
    case.org.salesforce(as_user="pat").Contact.delete(c2)

    replay(case, tmp_path)

    stats = run(case, "stats", "--json")
    assert stats["failures"]["by_code"] == {}
    assert all(c2 not in t["people"] for t in case.tasks())
    assert any(t["Id"] == task["Id"] for t in case.tasks())


def test_replay_rewrites_are_counted_apart_from_first_syncs(case: SyncCase, tmp_path: Path) -> None:
    """R24, R23: an email synced once and re-written by a replay is one synced email; the
    re-write and its calls are counted as a re-sync, not as a second email."""
    shared_task(case)
    run(case, "settings", "set", "shared_activities", "off")
    plan = tmp_path / "plan.json"
    run(case, "replay", "plan", "--out", str(plan))
    run(case, "replay", "apply", str(plan), "--sync", "--json", "--yes")

    api = run(case, "stats", "--json")["api"]

    assert api["synced_emails"] == 1
    assert api["resync"]["activities"] == 1 and api["resync"]["calls"] > 0
    assert api["calls_per_email"] == api["calls"] - api["resync"]["calls"]


def test_supports_disable_is_repaired_by_the_sync_that_sees_it_without_a_replay(
    tmp_path: Path,
) -> None:
    """R18 (not R28): Salesforce support turns shared activities off (the org restarts with
    it off): no person chose it, so the next sync re-plans the stripped shared Task as one
    Task per contact (reason support_disable, in explain), and a former secondary's
    timeline lists their own Task. doctor warns until the sync has repaired it."""
    org = start_local_org(tmp_path / "org.db")
    try:
        case = SyncCase(org, store_url_in(tmp_path))
        case.seed(
            {
                "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
                "contacts": people("c", 3, case.domain, AccountId="@acme"),
            }
        )
        task = shared_task(case)
        org.restart(shared_activities=False)
        run(case, "settings", "show", "--json")
        doctor = doctor_output(case)
        assert "not repaired yet" in doctor

        run(case, "sync", "--json", "--drift-minutes", "0")

        tasks = case.tasks(shared=False)
        assert sorted(t["WhoId"] for t in tasks) == sorted(case.who("c0", "c1", "c2"))
        assert task["Id"] in {t["Id"] for t in tasks}  # the primary's Task was kept
        story = run(case, "explain", "<r28@" + case.tag + ">/sent", "--json")
        reasons = {r["reason"] for t in story["tasks"] for r in t["replays"]}
        assert reasons == {"support_disable"}
        (c1,) = case.who("c1")
        timeline = run(case, "timeline", case.address("c1"), "--json")
        assert [r["who_id"] for r in timeline["records"]] == [c1]
        assert "not repaired yet" not in doctor_output(case)
    finally:
        org.stop()


def doctor_output(case: SyncCase) -> str:
    _register()
    env = {**case.org.environment(), "ACTIVITY_SYNC_STORE": case.store_url}
    return CliRunner().invoke(cli, ["doctor"], env=env).output


def test_a_task_refused_under_other_settings_is_a_create_in_the_next_plan(tmp_path: Path) -> None:
    """R20: nothing is dropped. The switch `on` against an org without shared activities
    gets the shared Task refused; once the org has them and the switch is back to auto, the
    plan creates it (it was never written) and the sync writes it."""
    org = start_local_org(tmp_path / "org.db", shared_activities=False)
    try:
        case = SyncCase(org, store_url_in(tmp_path))
        case.seed(
            {
                "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
                "contacts": people("c", 3, case.domain, AccountId="@acme"),
            }
        )
        run(case, "settings", "set", "shared_activities", "on")
        case.ingest(case.sent("r28", ["c0", "c1", "c2"]))
        _register()
        env = {**org.environment(), "ACTIVITY_SYNC_STORE": case.store_url}
        done = CliRunner().invoke(cli, ["sync", "--json", "--drift-minutes", "0"], env=env)
        refused = json.loads(done.output)
        assert done.exit_code == 1 and refused["records_failed"] == 1
        assert case.tasks(shared=False) == []
        org.restart(shared_activities=True)
        run(case, "settings", "set", "shared_activities", "auto")
        assert run(case, "sync", "--json", "--drift-minutes", "0")["tasks_written"] == 0

        plan = replay(case, tmp_path)

        assert plan["counts"]["create"] == 1
        (task,) = case.tasks()
        assert len(task["people"]) == 3
    finally:
        org.stop()
