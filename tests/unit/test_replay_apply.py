"""Replay plan and apply as operations: read-only plans, stale bases, resuming, scope (R19, R20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from replay_fakes import contacts, make_rig, org_with
from sync_fakes import sent

from domain.activity import EmailActivity
from replay.apply import apply_plan
from replay.basis import BasisChanged
from replay.make_plan import PlanRequest, make_plan
from replay.org_access import target_settings
from replay.plan_file import read_entries, read_header
from replay.stream import parse_since


@pytest.fixture()
def rig(tmp_path):
    """Three synced shared emails, then the engine's switch turned off."""
    r = make_rig(tmp_path, org_with(3))
    r.app.record_activities([sent(f"m{n}", *contacts(3)) for n in range(3)])
    r.sync()
    r.app.change_setting("shared_activities", "off")
    yield r
    r.app.close()


def plan(rig, tmp_path, **options):
    request = PlanRequest(rig.app.settings(), reader=rig.org.fetch, **options)
    header, _ = make_plan(rig.app, request, tmp_path / "plan.json")
    return str(tmp_path / "plan.json"), header


def replay_events(rig, replay_id):
    return [
        event
        for n in range(3)
        for event in rig.app.history(rig.app.activity(f"m{n}").id)
        if getattr(event, "replay_id", None) == replay_id
    ]


def test_a_plan_changes_nothing(rig, tmp_path):
    """R19: dry run by default; the store and the org are as before."""
    position = rig.app.recorder.max_notification_id()
    records = {k: dict(v) for k, v in rig.org.records.items()}

    path, header = plan(rig, tmp_path)

    assert header["totals"]["changed"] == 3
    assert rig.app.recorder.max_notification_id() == position
    assert rig.org.records == records


def test_the_plan_document_is_one_json_object_with_basis_counts_and_detail(rig, tmp_path):
    """R19: counts per kind, per-activity detail, basis (log position, org fingerprint)."""
    path, header = plan(rig, tmp_path)

    document = json.loads(Path(path).read_text())
    assert document["counts"] == {**header["counts"]} and document["counts"]["create"] == 9
    assert document["basis"]["max_notification_id"] == rig.app.recorder.max_notification_id()
    assert document["basis"]["org_records_found"] == 3
    assert [a["activity_id"] for a in document["activities"]] == ["m0", "m1", "m2"]
    assert read_header(path) == {k: v for k, v in document.items() if k != "activities"}
    assert [e.to_dict() for e in read_entries(path)] == document["activities"]


def test_a_reformatted_plan_still_applies(rig, tmp_path):
    """The document is plain JSON: a pretty-printed copy reads the same."""
    path, _ = plan(rig, tmp_path)
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(Path(path).read_text()), indent=2))

    result = apply_plan(rig.app, str(pretty), rig.org.fetch)

    assert result.applied == 3


def test_apply_appends_batch_events_carrying_the_replay_id_and_settings_version(rig, tmp_path):
    """R16, R19, R21: BatchRetired / BatchFormed with the new version and the replay's id."""
    path, header = plan(rig, tmp_path)

    result = apply_plan(rig.app, path, rig.org.fetch)

    events = replay_events(rig, header["replay_id"])
    formed = [e for e in events if isinstance(e, EmailActivity.BatchFormed)]
    retired = [e for e in events if isinstance(e, EmailActivity.BatchRetired)]
    assert (result.formed, result.retired) == (9, 3)
    assert len(formed) == 9 and len(retired) == 3
    assert {e.settings_version for e in formed} == {rig.app.settings().version}
    assert all(e.delete_in_org for e in retired)


def test_apply_refuses_a_plan_when_new_activity_events_arrived(rig, tmp_path):
    """R19: the basis changed (a new activity) -> refused, nothing appended."""
    path, _ = plan(rig, tmp_path)
    rig.app.record_activities([sent("late", *contacts(2))])
    position = rig.app.recorder.max_notification_id()

    with pytest.raises(BasisChanged, match="store changed"):
        apply_plan(rig.app, path, rig.org.fetch)
    assert rig.app.recorder.max_notification_id() == position


def test_apply_refuses_a_plan_when_settings_changed_since(rig, tmp_path):
    """R16, R19: a settings event after the basis makes the plan stale."""
    path, _ = plan(rig, tmp_path)
    rig.app.change_setting("batch_size", "10")

    with pytest.raises(BasisChanged):
        apply_plan(rig.app, path, rig.org.fetch)


def test_apply_refuses_a_plan_when_the_org_changed_since(rig, tmp_path):
    """R19: a record edited in the org after planning -> fingerprint differs -> refused."""
    path, _ = plan(rig, tmp_path)
    rig.org.person_edits(next(iter(rig.org.records)), Subject="Edited")

    with pytest.raises(BasisChanged, match="org changed"):
        apply_plan(rig.app, path, rig.org.fetch)


def test_sync_runs_with_nothing_to_do_do_not_make_a_plan_stale(rig, tmp_path):
    """Run bookkeeping (SyncRun events) is not a change of the basis."""
    path, _ = plan(rig, tmp_path)
    rig.worker().run()

    assert apply_plan(rig.app, path, rig.org.fetch).applied == 3


def test_an_interrupted_apply_resumes_without_duplicating(rig, tmp_path):
    """R20: crash after the first chunk; the second run skips what was done."""
    path, header = plan(rig, tmp_path)

    def crash(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        apply_plan(rig.app, path, rig.org.fetch, progress=crash, chunk_size=1)
    assert len(replay_events(rig, header["replay_id"])) == 4

    result = apply_plan(rig.app, path, rig.org.fetch, chunk_size=1)

    assert (result.already_applied, result.applied) == (1, 2)
    assert len(replay_events(rig, header["replay_id"])) == 12
    again = apply_plan(rig.app, path, rig.org.fetch)
    assert (again.already_applied, again.applied) == (3, 0)
    rig.sync()
    assert len(rig.org.records) == 9


def test_plans_can_be_limited_to_some_activities(rig, tmp_path):
    """R19: --activity ID picks activities; only they are read and listed."""
    path, header = plan(rig, tmp_path, activity_ids=("m1",))

    assert header["totals"]["scanned"] == 1
    assert [e.activity_id for e in read_entries(path)] == ["m1"]


def test_plans_can_be_limited_to_activities_since_a_date(rig, tmp_path):
    """R19: --since keeps activities that occurred on or after the date."""
    _, before = plan(rig, tmp_path, since=parse_since("2026-11-02"))
    _, after = plan(rig, tmp_path, since=parse_since("2026-11-03"))

    assert before["totals"]["scanned"] == 3 and after["totals"]["scanned"] == 0


def test_an_earlier_settings_version_can_be_the_target(rig, tmp_path):
    """R16, R19: planning under the version before the switch went off changes nothing."""
    earlier = rig.app.settings().version - 1
    request = PlanRequest(target_settings(rig.app, earlier), reader=rig.org.fetch)

    header, _ = make_plan(rig.app, request, tmp_path / "plan.json")

    assert header["settings"]["version"] == earlier and header["totals"]["changed"] == 0


def test_a_plan_without_the_org_compares_with_the_record_only(rig, tmp_path):
    """--no-org: no reads; apply then skips the org check."""
    request = PlanRequest(rig.app.settings())
    header, _ = make_plan(rig.app, request, tmp_path / "plan.json")

    assert header["basis"]["org_read"] is False and rig.org.fetches == []
    assert apply_plan(rig.app, str(tmp_path / "plan.json"), None).applied == 3


def test_several_processes_write_the_same_plan_as_one(rig, tmp_path):
    """Parallel planning: same entries in the same order, same counts and org fingerprint."""
    from functools import partial

    from replay_fakes import dump_org, file_reader

    from adapters.store.persistence import open_app
    from replay.parallel import Workers

    rig.org.support_disables_shared()
    rig.observe()
    dump_org(rig.org, tmp_path / "org.json")
    reader = file_reader(tmp_path / "org.json")
    factory = partial(file_reader, tmp_path / "org.json")
    one = PlanRequest(rig.app.settings(), reader=reader, chunk_size=1)
    workers = Workers(2, partial(open_app, rig.url), factory)
    two = PlanRequest(rig.app.settings(), chunk_size=1, workers=workers)

    header_one, _ = make_plan(rig.app, one, tmp_path / "one.json")
    header_two, _ = make_plan(rig.app, two, tmp_path / "two.json")

    assert header_two["basis"] == header_one["basis"] and header_two["basis"]["org_read"]
    assert header_two["counts"] == header_one["counts"]
    entries = [e.to_dict() for e in read_entries(tmp_path / "two.json")]
    assert entries == [e.to_dict() for e in read_entries(tmp_path / "one.json")]
    assert len(entries) == 3
