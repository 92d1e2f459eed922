"""Replay against an in-memory org: every case of issue 6 item 3, plan -> apply -> sync (R19)."""

from __future__ import annotations

import pytest
from replay_fakes import ENGINE_USER, Rig, contacts, make_rig, opportunity, org_with
from sync_fakes import sent

from replay.apply import apply_plan
from replay.make_plan import PlanRequest, make_plan
from replay.narrowing import Narrowing


@pytest.fixture()
def rig(tmp_path):
    made: list[Rig] = []

    def build(org):
        made.append(make_rig(tmp_path, org))
        return made[-1]

    yield build
    for r in made:
        r.app.close()


def plan(rig: Rig, tmp_path, **options):
    request = PlanRequest(rig.app.settings(), reader=rig.org.fetch, **options)
    header, _ = make_plan(rig.app, request, tmp_path / "plan.json")
    return header


def replay(rig: Rig, tmp_path, force: bool = False, **options):
    """Observe the org, plan, apply, sync; the plan's header."""
    rig.observe()
    header = plan(rig, tmp_path, **options)
    apply_plan(rig.app, str(tmp_path / "plan.json"), rig.org.fetch, Narrowing(force_all=force))
    rig.sync()
    return header


def people(rig: Rig) -> dict[str, list[tuple[str, ...]]]:
    """Primary -> the who ids of each of its Tasks, as the org holds them."""
    return {who: [tuple(r["who_ids"]) for r in rs] for who, rs in rig.org.by_who().items()}


def test_engine_switched_off_deletes_the_shared_task_and_writes_one_per_contact(rig, tmp_path):
    """R14, R19: `shared_activities off` -> the shared Task is deleted, one Task per Contact."""
    r = rig(org_with(3))
    r.app.record_activities([sent("m1", *contacts(3))])
    r.sync()
    (shared_id,) = [rec["Id"] for rec in r.org.records.values()]
    r.app.change_setting("shared_activities", "off")

    header = replay(r, tmp_path)

    assert header["counts"]["delete"] == 1 and header["counts"]["create"] == 3
    assert header["counts"]["adopt"] == 0
    assert shared_id not in {rec["Id"] for rec in r.org.records.values()}
    assert sorted(len(p) for ps in people(r).values() for p in ps) == [1, 1, 1]
    assert len(r.org.records) == 3


def test_support_disabling_gives_dropped_contacts_their_task_back_and_keeps_the_primarys(
    rig, tmp_path
):
    """R18, R19: the org kept only the primary; the primary's Task stays, others get theirs."""
    r = rig(org_with(4))
    r.app.record_activities([sent("m1", *contacts(4))])
    r.sync()
    ((key, shared),) = r.org.records.items()
    r.org.support_disables_shared()

    header = replay(r, tmp_path)

    assert header["settings"]["org_shared_activities"] is False
    assert header["counts"]["create"] == 3 and header["counts"]["adopt"] == 1
    assert header["counts"]["delete"] == 0
    assert r.org.records[key]["Id"] == shared["Id"]  # the primary's Task stayed
    assert r.org.records[key]["who_ids"] == [shared["WhoId"]]
    assert len(r.org.records) == 4
    assert all(len(tasks) == 1 for tasks in people(r).values())


def test_a_second_replay_after_support_disabling_finds_nothing_to_do(rig, tmp_path):
    """R19, R20: replay is idempotent; the kept Task is adopted again, not re-created."""
    r = rig(org_with(3))
    r.app.record_activities([sent("m1", *contacts(3))])
    r.sync()
    r.org.support_disables_shared()
    replay(r, tmp_path)

    header = plan(r, tmp_path)

    assert header["totals"]["changed"] == 0


def test_enabling_shared_folds_individual_tasks_into_shared_batches_of_fifty(rig, tmp_path):
    """R6, R7, R19: 60 individual Tasks of one email become two shared Tasks (50 and 10)."""
    r = rig(org_with(60, shared=False))
    r.app.record_activities([sent("m1", *contacts(60))])
    r.sync()
    assert len(r.org.records) == 60
    before = {rec["WhoId"]: rec["Id"] for rec in r.org.records.values()}
    r.org.shared_enabled = True

    header = replay(r, tmp_path)

    assert header["counts"]["adopt"] == 2 and header["counts"]["delete"] == 58
    assert header["counts"]["relate"] == 2
    sizes = sorted(len(rec["who_ids"]) for rec in r.org.records.values())
    assert sizes == [10, 50]
    for record in r.org.records.values():  # each batch kept its primary's own Task
        assert record["Id"] == before[record["WhoId"]]


def test_contact_role_mode_relates_tasks_to_the_primarys_role_opportunities(rig, tmp_path):
    """R10a, R10b, R19: account mode fans out per account Opportunity; contact_role re-relates."""
    org = org_with(2)
    opportunity(org, "006A", "001A")
    opportunity(org, "006B", "001A")
    primary = org.contacts["c0@acme.example"]
    org.roles[primary.id] = (org.opportunities[1],)
    r = rig(org)
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    assert sorted(rec["WhatId"] for rec in r.org.records.values()) == ["006A", "006B"]
    r.app.change_setting("opportunity_mode", "contact_role")

    header = replay(r, tmp_path)

    assert header["counts"]["delete"] == 1 and header["counts"]["create"] == 0
    assert [rec["WhatId"] for rec in r.org.records.values()] == ["006B"]


def test_including_closed_opportunities_fans_a_task_out(rig, tmp_path):
    """R10, R19: a closed Opportunity now counts -> one more Task for the same batch."""
    org = org_with(2)
    opportunity(org, "006A", "001A")
    opportunity(org, "006C", "001A", closed=True)
    r = rig(org)
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    r.app.change_setting("include_closed_opportunities", "true")

    header = replay(r, tmp_path)

    assert header["counts"]["create"] == 1 and header["counts"]["delete"] == 0
    assert sorted(rec["WhatId"] for rec in r.org.records.values()) == ["006A", "006C"]
    assert all(len(rec["who_ids"]) == 2 for rec in r.org.records.values())


def test_an_excluded_secondary_is_unrelated_from_past_tasks(rig, tmp_path):
    """R4, R19: a newly excluded address loses its relation; the Task itself stays."""
    r = rig(org_with(3))
    r.app.record_activities([sent("m1", *contacts(3))])
    r.sync()
    ((key, before),) = r.org.records.items()
    r.app.change_setting("excluded", "c2@acme.example")

    header = replay(r, tmp_path)

    assert header["counts"]["unrelate"] == 1 and header["counts"]["create"] == 0
    assert r.org.records[key]["Id"] == before["Id"]
    assert r.org.records[key]["who_ids"] == before["who_ids"][:2]


def test_an_excluded_primary_hands_the_task_to_the_next_contact(rig, tmp_path):
    """R4, R8, R19: the next valid contact becomes primary (a new key: delete + create)."""
    r = rig(org_with(3))
    r.app.record_activities([sent("m1", *contacts(3))])
    r.sync()
    r.app.change_setting("excluded", "c0@acme.example")

    header = replay(r, tmp_path)

    assert header["counts"]["delete"] == 1 and header["counts"]["create"] == 1
    ((_, record),) = r.org.records.items()
    c1, c2 = (r.org.contacts[a].id for a in contacts(2, start=1))
    assert record["WhoId"] == c1 and record["who_ids"] == [c1, c2]


def test_a_task_whose_people_are_all_excluded_is_deleted(rig, tmp_path):
    """R4, R19: nobody left -> the Task is deleted."""
    r = rig(org_with(2))
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    r.app.change_setting("excluded", "acme.example")

    header = replay(r, tmp_path)

    assert header["counts"]["delete"] == 1
    assert r.org.records == {}


def test_tasks_the_engine_did_not_write_are_never_touched(rig, tmp_path):
    """R19: a hand-made Task of the same contact is neither read, changed nor deleted."""
    r = rig(org_with(2))
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    hand = r.org.add_foreign_task(r.org.contacts["c0@acme.example"].id)
    kept = dict(r.org.records[hand])
    r.app.change_setting("shared_activities", "off")

    replay(r, tmp_path)

    assert r.org.records[hand] == kept
    assert all(n <= 200 for n in r.org.fetches)


def test_a_task_edited_by_a_person_is_reported_and_left_alone(rig, tmp_path):
    """R19: an edit in the org holds the activity: nothing is appended, the edit stays."""
    r = rig(org_with(2))
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    ((key, _),) = r.org.records.items()
    r.org.person_edits(key, Subject="Call notes by hand")
    r.app.change_setting("shared_activities", "off")

    header = replay(r, tmp_path)

    assert header["counts"]["edited_in_org"] == 1 and header["totals"]["held"] == 1
    assert list(r.org.records) == [key]
    assert r.org.records[key]["Subject"] == "Call notes by hand"


def test_force_overwrites_a_task_edited_by_a_person(rig, tmp_path):
    """R19: with --force the held activity is carried out like the others."""
    r = rig(org_with(2))
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    ((key, _),) = r.org.records.items()
    r.org.person_edits(key, Subject="Call notes by hand")
    r.app.change_setting("shared_activities", "off")

    replay(r, tmp_path, force=True)

    assert key not in r.org.records and len(r.org.records) == 2
    assert all(rec["LastModifiedById"] == ENGINE_USER for rec in r.org.records.values())


def test_an_edit_restored_by_force_when_the_plan_is_otherwise_unchanged(rig, tmp_path):
    """R19: with nothing else to change, --force writes the engine's version back."""
    r = rig(org_with(2))
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    ((key, _),) = r.org.records.items()
    r.org.person_edits(key, Subject="Changed")

    replay(r, tmp_path, force=True)

    assert r.org.records[key]["Subject"] == "Sent (New): Pricing"


def test_a_written_task_a_person_deleted_is_held_and_re_created_only_when_forced(rig, tmp_path):
    """R28, R19, R20: recorded as written but gone from the org: a person deleted it. Replay
    reports it and leaves it (the activity is held); --force re-creates it by upsert."""
    r = rig(org_with(2))
    r.app.record_activities([sent("m1", *contacts(2))])
    r.sync()
    ((key, _),) = r.org.records.items()
    del r.org.records[key]

    header = replay(r, tmp_path)

    assert header["counts"]["deleted_in_org"] == 1 and header["totals"]["held"] == 1
    assert key not in r.org.records
    replay(r, tmp_path, force=True)
    assert key in r.org.records and len(r.org.records[key]["who_ids"]) == 2


def test_relations_dropped_while_sharing_is_forced_on_are_related_again(rig, tmp_path):
    """R17, R19: with the switch `on` the plan stays shared; the org's lost relations return."""
    r = rig(org_with(3))
    r.app.change_setting("shared_activities", "on")
    r.app.record_activities([sent("m1", *contacts(3))])
    r.sync()
    ((key, record),) = r.org.records.items()
    before = list(record["who_ids"])
    record["who_ids"] = [record["WhoId"]]  # the relations were removed in the org

    header = replay(r, tmp_path)

    assert header["counts"]["relate"] == 1
    assert r.org.records[key]["who_ids"] == before
