"""`activity-sync replay plan|apply` against the local org, as an admin runs it (R18, R19).

Each case syncs with the real worker over HTTPS, changes settings or the org, plans,
applies, syncs, and then queries the org as an admin would. Most run in-process through
click for speed; the exit codes are checked on the installed command.
"""

from __future__ import annotations

import json

from replay_support import new_case, run

from adapters.local_org.launcher import start_local_org


def test_engine_switched_off_makes_one_task_per_contact_and_deletes_the_shared_one(
    shared_org, tmp_path
):
    """R14, R19: the shared Task is deleted; each Contact gets its own Task."""
    case = new_case(shared_org, tmp_path, "off", 3)
    case.email("off-1", 3)
    case.sync()
    (shared,) = case.tasks()
    assert len(shared["people"]) == 3
    case.setting("shared_activities", "off")

    plan = case.replay(tmp_path)

    assert plan["counts"]["delete"] == 1 and plan["counts"]["create"] == 3
    tasks = case.tasks()
    assert shared["Id"] not in {t["Id"] for t in tasks}
    assert sorted(t["WhoId"] for t in tasks) == sorted(case.contact_ids)
    assert all(t["people"] == [t["WhoId"]] for t in tasks)


def test_support_disabling_shared_activities_gives_every_dropped_contact_its_task(tmp_path):
    """R18, R19: restart the org with shared activities off on the same db; the primary's
    Task stays, each dropped contact gets an individual Task, and a second plan is empty."""
    org = start_local_org(tmp_path / "org.db")
    try:
        case = new_case(org, tmp_path, "sup", 4)
        case.email("sup-1", 4)
        case.sync()
        (shared,) = case.tasks()
        org.restart(shared_activities=False)

        plan = case.replay(tmp_path)

        assert plan["settings"]["org_shared_activities"] is False
        assert plan["counts"]["adopt"] == 1 and plan["counts"]["create"] == 3
        tasks = {t["WhoId"]: t for t in case.tasks()}
        assert sorted(tasks) == sorted(case.contact_ids)
        assert tasks[shared["WhoId"]]["Id"] == shared["Id"]
        again = json.loads(case.cli("replay", "plan", "--json").output)
        assert again["totals"]["changed"] == 0 and again["activities"] == []
    finally:
        org.stop()


def test_enabling_shared_activities_folds_individual_tasks_into_batches_of_fifty(tmp_path):
    """R6, R7, R19: 55 individual Tasks of one email become two shared Tasks (50 and 5)."""
    org = start_local_org(tmp_path / "org.db", shared_activities=False)
    try:
        case = new_case(org, tmp_path, "fold", 55)
        case.email("fold-1", 55)
        case.sync()
        before = {t["WhoId"]: t["Id"] for t in case.tasks()}
        assert len(before) == 55
        org.restart(shared_activities=True)

        plan = case.replay(tmp_path)

        assert plan["counts"]["adopt"] == 2 and plan["counts"]["delete"] == 53
        tasks = case.tasks()
        assert sorted(len(t["people"]) for t in tasks) == [5, 50]
        assert {t["Id"] for t in tasks} == {before[t["WhoId"]] for t in tasks}
    finally:
        org.stop()


def test_opportunity_settings_fan_tasks_out_and_merge_them_back(shared_org, tmp_path):
    """R10a, R10b, R19: closed Opportunities included -> one Task more; contact_role mode ->
    only the Opportunity the primary has a role on."""
    case = new_case(shared_org, tmp_path, "opp", 2)
    sf = shared_org.salesforce()
    fields = {"AccountId": case.account_id, "CloseDate": "2026-12-31"}
    won = sf.Opportunity.create({**fields, "Name": "Won", "StageName": "Closed Won"})["id"]
    open_ = sf.Opportunity.create({**fields, "Name": "Open", "StageName": "Prospecting"})["id"]
    sf.OpportunityContactRole.create({"OpportunityId": won, "ContactId": case.contact_ids[0]})
    case.email("opp-1", 2)
    case.sync()
    assert [t["WhatId"] for t in case.tasks()] == [open_]

    case.setting("include_closed_opportunities", "true")
    fanned = case.replay(tmp_path)
    case.setting("opportunity_mode", "contact_role")
    merged = case.replay(tmp_path)

    assert fanned["counts"]["create"] == 1 and merged["counts"]["delete"] == 1
    (task,) = case.tasks()
    assert task["WhatId"] == won and len(task["people"]) == 2


def test_exclusions_move_the_primary_then_delete_when_nobody_is_left(shared_org, tmp_path):
    """R4, R8, R19: the excluded primary's Task goes to the next contact; all excluded -> gone."""
    case = new_case(shared_org, tmp_path, "exc", 3)
    case.email("exc-1", 3)
    case.sync()

    case.setting("excluded", "exc0@acme.example")
    moved = case.replay(tmp_path)
    (task,) = case.tasks()
    case.setting("excluded", "acme.example")
    emptied = case.replay(tmp_path)

    assert moved["counts"]["delete"] == 1 and moved["counts"]["create"] == 1
    assert task["WhoId"] == case.contact_ids[1] and sorted(task["people"]) == sorted(
        case.contact_ids[1:]
    )
    assert emptied["counts"]["delete"] == 1 and case.tasks() == []


def test_hand_made_tasks_are_untouched_and_edited_ones_need_force(shared_org, tmp_path):
    """R19: a Task without sync key is never touched; a Task a person edited is reported and
    left alone until `apply --force`."""
    case = new_case(shared_org, tmp_path, "hand", 2)
    case.email("hand-1", 2)
    case.sync()
    (engine_task,) = case.tasks()
    sf = shared_org.salesforce()
    hand = sf.Task.create({"WhoId": case.contact_ids[0], "Subject": "Call by hand"})["id"]
    sf.Task.update(engine_task["Id"], {"Subject": "Notes typed by a person"})
    case.setting("shared_activities", "off")

    held = case.replay(tmp_path)
    after_held = {t["Id"]: t for t in case.tasks()}
    forced = case.replay(tmp_path, "--force")

    assert held["counts"]["edited_in_org"] == 1 and held["totals"]["held"] == 1
    assert after_held[engine_task["Id"]]["Subject"] == "Notes typed by a person"
    assert forced["counts"]["create"] == 2 and forced["counts"]["delete"] == 1
    tasks = {t["Id"]: t for t in case.tasks()}
    assert engine_task["Id"] not in tasks
    assert tasks[hand]["Subject"] == "Call by hand" and tasks[hand]["key"] is None


def test_a_stale_plan_is_refused_with_exit_code_one(shared_org, tmp_path):
    """R19: new events since the plan -> `replay apply` exits 1 and says to plan again;
    a file that is not a plan exits 2."""
    case = new_case(shared_org, tmp_path, "stale", 2)
    case.email("stale-1", 2)
    case.sync()
    case.setting("shared_activities", "off")
    plan = tmp_path / "plan.json"
    case.cli("replay", "plan", "--out", str(plan))
    case.email("stale-2", 2)
    not_a_plan = tmp_path / "other.json"
    not_a_plan.write_text("{}")

    stale = run(case, "replay", "apply", str(plan))
    wrong = run(case, "replay", "apply", str(not_a_plan))

    assert stale.returncode == 1 and "make a new plan" in stale.stderr
    assert wrong.returncode == 2 and "not a replay plan" in wrong.stderr


def test_planning_in_two_processes_reads_the_org_and_writes_the_same_plan_as_one(
    shared_org, tmp_path
):
    """R19 on a large store: `--workers` processes each read the org over their own session;
    the plan (items, counts, org fingerprint) is the one a single process makes."""
    case = new_case(shared_org, tmp_path, "par", 3)
    for n in range(5):
        case.email(f"par-{n}", 3)
    case.sync()
    case.setting("shared_activities", "off")
    plans = []
    for workers in ("1", "2"):
        out = tmp_path / f"plan-{workers}.json"
        case.cli("replay", "plan", "--workers", workers, "--chunk-size", "2", "--out", str(out))
        plans.append(json.loads(out.read_text()))
    # Each plan has its own replay id and time, hence its own digest; all else is the same.
    made = ("replay_id", "created_at", "digest")
    one, two = ({k: v for k, v in p.items() if k not in made} for p in plans)
    assert one == two
    assert one["basis"]["org_read"] and one["basis"]["org_records_found"] == 5
    assert one["counts"]["delete"] == 5 and one["counts"]["create"] == 15

    plan = str(tmp_path / "plan-2.json")
    case.cli("replay", "apply", plan, "--yes", "--sync", "--sync-chunk-size", "2")

    tasks = case.tasks()
    assert len(tasks) == 15 and all(t["people"] == [t["WhoId"]] for t in tasks)
