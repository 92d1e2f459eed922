"""The replay diff, pure: ids, edits in the org, and the states the worker leaves behind (R19)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.activity import EmailActivity
from domain.model import Activity, ContactFact, Directory, PlannedTask
from domain.planner import plan_activity
from domain.salesforce_ids import canonical_id
from domain.settings import Settings
from projections.ports import OrgRecord
from projections.replan import record_plan
from replay.diff import diff_activity, plain, with_adoptions
from replay.drift import edited_reason, same_id
from replay.plan_entries import ActivityDiff

SHARED = Settings(shared_activities="on")
WRITTEN_AT = datetime(2026, 11, 2, 12, tzinfo=UTC)
ENGINE = "005000000000001AAA"


def email(n: int) -> tuple[EmailActivity, Directory]:
    addresses = [f"p{i}@acme.example" for i in range(n)]
    activity = Activity("m1", "sent", "2026-11-02T09:00:00Z", "rep@ourco.example", tuple(addresses))
    directory = Directory(
        contacts_by_email={
            a: (ContactFact(f"003{i:015d}", a, "001A"),) for i, a in enumerate(addresses)
        }
    )
    return EmailActivity.record(activity, "test"), directory


def planned(n: int, settings: Settings = SHARED, write: bool = True) -> EmailActivity:
    """An activity resolved and planned under `settings`, its Tasks written when `write`."""
    aggregate, directory = email(n)
    plan = plan_activity(aggregate.model, directory, settings)
    aggregate.resolve(
        [r.to_dict() for r in plan.recipients], directory.to_dict(), settings.to_dict(), []
    )
    for n_task, task in enumerate(plan.tasks):
        aggregate.form_batch(task, settings.version, None)
        if write:
            aggregate.record_write(task, f"00T{n_task:015d}", True, 1)
    return aggregate


def record(key: str, task: dict, **changes) -> OrgRecord:
    values = dict(
        salesforce_id="00T000000000000000",
        sobject="Task",
        sync_key=key,
        who_id=task["who_id"],
        who_ids=tuple(task["who_ids"]),
        what_id=task["what_id"],
        subject=task["fields"]["Subject"],
        activity_date=None,
        last_modified="2026-11-02T11:59:59.000+0000",
        last_modified_by_id=ENGINE,
        created_by_id=ENGINE,
    )
    return OrgRecord(**(values | changes))


def org_of(activity: EmailActivity, **changes) -> dict[str, OrgRecord]:
    return {k: record(k, t, **changes) for k, t in activity.batches.items()}


def diff(activity, settings, org, **kwargs) -> ActivityDiff:
    plan = plan_activity(activity.model, Directory.from_dict(activity.directory), settings)
    written_at = dict.fromkeys(activity.written, WRITTEN_AT)
    return diff_activity(activity, plan, org, written_at, **kwargs)


def kinds(found: ActivityDiff) -> list[str]:
    return sorted(item.kind for item in found.items)


def test_fifteen_and_eighteen_character_ids_are_the_same_record():
    """Salesforce ids: the 18-character form adds a case checksum to the 15."""
    assert canonical_id("001D000000IqhSL") == "001D000000IqhSLIAZ"
    assert same_id("001D000000IqhSL", "001D000000IqhSLIAZ")
    assert not same_id("001D000000IqhSL", "001D000000IqhSl")


def test_dropped_relations_alone_are_not_an_edit():
    """R18: support's disable changes relations, not LastModified, and is repaired, not held."""
    activity = planned(3)
    ((key, task),) = activity.batches.items()
    dropped = record(key, task, who_ids=(task["who_id"],))

    assert edited_reason(dropped, task, WRITTEN_AT) is None


def test_an_edit_is_seen_by_user_by_time_or_by_content():
    """R19: another user, a modification after the last write (beyond the skew), or content."""
    activity = planned(2)
    ((key, task),) = activity.batches.items()
    later = (WRITTEN_AT + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    slightly = (WRITTEN_AT + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    assert "user" in edited_reason(record(key, task, last_modified_by_id="005X"), task, WRITTEN_AT)
    assert "after" in edited_reason(record(key, task, last_modified=later), task, WRITTEN_AT)
    assert edited_reason(record(key, task, last_modified=slightly), task, WRITTEN_AT) is None
    assert "Subject" in edited_reason(record(key, task, subject="x"), task, WRITTEN_AT)
    assert "WhatId" in edited_reason(record(key, task, what_id="006Z"), task, WRITTEN_AT)


def test_an_unchanged_plan_and_an_unchanged_org_make_no_items():
    """R19: nothing to do is an empty diff."""
    activity = planned(3)

    assert diff(activity, SHARED, org_of(activity)).items == ()


def test_planned_tasks_not_written_yet_are_left_to_the_worker():
    """Unwritten and unchanged: no item; changed by the new settings: created as planned."""
    activity = planned(3, write=False)

    assert diff(activity, SHARED, {}).items == ()
    off = diff(activity, replace(SHARED, shared_activities="off", version=2), {})
    assert kinds(off) == ["create", "create", "create", "delete"]
    assert [i.detail for i in off.items if i.kind == "delete"] == ["planned, never written"]


def test_an_edited_record_holds_the_activity_and_is_marked_for_rewriting():
    """R19: held (not applied without --force); with --force its key is written again."""
    activity = planned(2)
    org = org_of(activity, last_modified_by_id="005PERSON")

    found = diff(activity, SHARED, org)

    assert found.held and kinds(found) == ["edited_in_org"]
    assert found.reform == tuple(activity.batches)


def test_without_the_org_the_record_is_compared_with_itself():
    """--no-org: adoption and deletes from the recorded people alone."""
    activity = planned(3)

    found = diff(activity, replace(SHARED, shared_activities="off", version=2), None)

    assert kinds(found) == ["create", "create", "create", "delete"]
    assert not found.adopted


def test_adoption_renames_the_planned_task_to_the_kept_key():
    """R18: the support-disabled shared Task keeps its key as the primary's own Task."""
    activity = planned(3)
    ((key, task),) = activity.batches.items()
    org = {key: record(key, task, who_ids=(task["who_id"],))}
    off = replace(SHARED, shared_activities="auto", org_shared_activities=False, version=2)

    found = diff(activity, off, org)
    plan = plan_activity(activity.model, Directory.from_dict(activity.directory), off)
    renamed = with_adoptions(plan, found.adopted)

    assert list(found.adopted.values()) == [key]
    assert renamed.tasks[0].sync_key == key and renamed.tasks[0].who_ids == (task["who_id"],)
    assert kinds(found) == ["adopt", "create", "create"]


def test_an_activity_diff_survives_the_plan_file():
    """The plan document round-trips every field apply needs."""
    activity = planned(3)
    ((key, task),) = activity.batches.items()
    org = {key: record(key, task, who_ids=(task["who_id"],))}
    found = diff(activity, replace(SHARED, shared_activities="off", version=2), org)

    assert ActivityDiff.from_dict(found.to_dict()) == found


def test_the_fast_task_dict_equals_the_domains_own():
    """`plain` skips asdict's deep copy; it must stay equal to PlannedTask.to_dict."""
    aggregate, directory = email(60)
    tasks = plan_activity(aggregate.model, directory, SHARED).tasks

    assert [plain(t) for t in tasks] == [t.to_dict() for t in tasks]


def test_a_task_left_with_only_its_primary_after_supports_disable_is_not_an_edit():
    """R18: once the engine saw the setting off, support's disable may have stamped the
    Task; a lone primary is repaired, not held."""
    activity = planned(3)
    ((key, task),) = activity.batches.items()
    later = (WRITTEN_AT + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    stamped = record(
        key, task, who_ids=(task["who_id"],), last_modified=later, last_modified_by_id="005SUP"
    )

    assert edited_reason(stamped, task, WRITTEN_AT, support_disabled=True) is None
    changed = edited_reason(replace(stamped, subject="x"), task, WRITTEN_AT, support_disabled=True)
    assert "Subject" in changed


def test_a_task_left_with_only_its_primary_while_sharing_is_on_is_a_persons_decision():
    """R28: with the org's setting on, removing every secondary was a person's doing: held."""
    activity = planned(3)
    ((key, task),) = activity.batches.items()
    later = (WRITTEN_AT + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    stamped = record(
        key, task, who_ids=(task["who_id"],), last_modified=later, last_modified_by_id="005PAT"
    )

    assert "005PAT" in edited_reason(stamped, task, WRITTEN_AT)


def folded(n: int) -> tuple[EmailActivity, str]:
    """Individual Tasks written, then folded into one shared Task kept under the primary's
    individual key (R6, R19: enabled after individual syncing), written with its people."""
    aggregate = planned(n, replace(SHARED, shared_activities="off"))
    fold = diff(aggregate, replace(SHARED, version=2), org_of(aggregate))
    plan = plan_activity(aggregate.model, Directory.from_dict(aggregate.directory), SHARED)
    ((_, kept),) = fold.adopted.items()
    changes = record_plan(aggregate, with_adoptions(plan, fold.adopted), replace(SHARED, version=2))
    for key in changes.formed:
        aggregate.record_write(PlannedTask.from_dict(aggregate.batches[key]), "00TKEPT", False, 1)
    return aggregate, kept


def test_a_secondary_excluded_from_a_shared_task_kept_under_an_earlier_key_is_unrelated():
    """R4, R19 (issue 15): the shared Task folded from the primary's own Task is kept, and
    the excluded secondary only unrelated, as without the fold; not deleted and re-created."""
    aggregate, kept = folded(3)
    excluded = replace(SHARED, excluded=("p1@acme.example",), version=3)

    found = diff(aggregate, excluded, org_of(aggregate))

    assert found.adopted and list(found.adopted.values()) == [kept]
    assert kinds(found) == ["adopt", "unrelate"]
    (unrelate,) = [i for i in found.items if i.kind == "unrelate"]
    assert unrelate.who_ids == (f"003{1:015d}",)
