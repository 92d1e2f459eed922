"""The sync worker against an in-memory org: ordering, idempotency, failures, R18, budget."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sync_fakes import FakeOrg, sent

from adapters.store.persistence import locate, open_app
from adapters.store.sql import engine_for
from adapters.store.work_queue import SqlWorkQueue
from domain.model import WriteOutcome
from projections.tracker import SettingsTracker
from projections.worker import SyncWorker, WorkerOptions


class Crash(Exception):
    """Stands for the process dying between a write and its record."""


@pytest.fixture()
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    app = open_app(url)
    yield app, url
    app.close()


def make_worker(store, org, after_write=None, chunk_size=100):
    app, url = store
    queue = SqlWorkQueue(app, engine_for(locate(url)))
    return SyncWorker(
        app,
        queue,
        org,
        org,
        SettingsTracker(app, org),
        calls=lambda: org.calls_made,
        options=WorkerOptions(chunk_size=chunk_size, retry_base_seconds=0, retry_cap_seconds=0),
        after_write=after_write,
    )


def org_with(n: int, account: str | None = "001A") -> FakeOrg:
    org = FakeOrg()
    for i in range(n):
        org.add_contact(f"c{i}@acme.example", account)
    return org


def test_a_shared_email_is_written_once_and_recorded(store):
    """R6, R8, R24: decisions then one write call; TaskCreated and RelationAdded recorded."""
    org = org_with(3)
    app, _ = store
    app.record_activities([sent("m1", *(f"c{i}@acme.example" for i in range(3)))])
    summary = make_worker(store, org).run()
    assert summary.tasks_written == 1 and summary.pending == 0
    (record,) = org.records.values()
    assert record["who_ids"] == [org.contacts[f"c{i}@acme.example"].id for i in range(3)]
    activity = app.activity("m1")
    assert activity.is_settled and len(activity.written) == 1


def test_running_the_sync_again_writes_nothing_new(store):
    """R20: a re-run finds nothing pending and makes no write call."""
    org = org_with(2)
    app, _ = store
    app.record_activities([sent("m1", "c0@acme.example", "c1@acme.example")])
    make_worker(store, org).run()
    calls = org.calls_made
    summary = make_worker(store, org).run()
    assert summary.activities == 0 and org.calls_made == calls and len(org.records) == 1


def test_a_crash_between_write_and_record_never_duplicates_a_task(store):
    """R20: the write happened, its record did not; the re-run upserts the same sync key."""
    org = org_with(3)
    app, _ = store
    app.record_activities([sent(f"m{i}", "c0@acme.example", "c1@acme.example") for i in range(5)])

    def crash(outcomes):
        raise Crash()

    with pytest.raises(Crash):
        make_worker(store, org, after_write=crash).run()
    assert len(org.records) == 5
    summary = make_worker(store, org).run()
    assert len(org.records) == 5 and summary.pending == 0
    assert all(app.activity(f"m{i}").is_settled for i in range(5))


def test_lookups_and_writes_are_batched_across_activities(store):
    """R24: one lookup and one write call for a chunk of many emails."""
    org = org_with(6)
    app, _ = store
    app.record_activities(
        [sent(f"m{i}", f"c{i % 6}@acme.example", f"c{(i + 1) % 6}@acme.example") for i in range(40)]
    )
    make_worker(store, org).run()
    assert len(org.lookups) == 1 and org.write_batches == [40]


def test_a_refused_record_keeps_salesforce_code_and_the_rest_is_written(store):
    """R25: FIELD_CUSTOM_VALIDATION_EXCEPTION on one Task, the other Task still lands."""
    org = org_with(2)
    app, _ = store
    app.record_activities([sent("m1", "c0@acme.example"), sent("m2", "c1@acme.example")])

    original = org._write_one

    def write_one(task):
        if task.who_id == org.contacts["c0@acme.example"].id:
            org.fail_keys[task.sync_key] = ("FIELD_CUSTOM_VALIDATION_EXCEPTION", False)
        return original(task)

    org._write_one = write_one
    summary = make_worker(store, org).run()
    assert summary.tasks_written == 1 and summary.records_failed == 1
    assert summary.failures == {"FIELD_CUSTOM_VALIDATION_EXCEPTION": 1}
    assert app.activity("m1").failed and app.activity("m1").is_settled
    assert app.activity("m2").written


def test_a_lock_error_is_retried_later_and_then_written(store):
    """R25: UNABLE_TO_LOCK_ROW is retryable; the activity stays pending, a later run writes it."""
    org = org_with(1)
    app, _ = store
    app.record_activities([sent("m1", "c0@acme.example")])
    original = org._write_one
    failures = {"left": 1}

    def flaky(task):
        if failures["left"]:
            failures["left"] -= 1
            return WriteOutcome(task.sync_key, False, code="UNABLE_TO_LOCK_ROW", retryable=True)
        return original(task)

    org._write_one = flaky
    first = make_worker(store, org).run(max_chunks=1)
    assert first.records_deferred == 1 and first.pending == 1
    second = make_worker(store, org).run()
    assert second.tasks_written == 1 and second.pending == 0


def test_when_the_org_refuses_shared_writes_the_email_is_replanned_as_individual_tasks(store):
    """R18: shared write refused -> setting observed off -> one Task per contact, nothing lost."""
    org = org_with(3)
    app, _ = store
    app.record_activities([sent("m1", *(f"c{i}@acme.example" for i in range(3)))])
    worker = make_worker(store, org)
    worker.tracker.current()  # reads "enabled" now
    org.shared_enabled = False  # support disabled it; the engine has not re-read yet
    summary = worker.run()
    assert summary.replanned == 1 and summary.tasks_written == 3 and summary.pending == 0
    assert sorted(len(r["who_ids"]) for r in org.records.values()) == [1, 1, 1]
    assert app.settings().org_shared_activities is False


def test_the_worker_stops_at_the_budget_and_resumes_without_loss(store):
    """R25: BudgetExhausted pauses the run; pending work stays and a later run finishes it."""
    org = org_with(2)
    app, _ = store
    app.record_activities([sent(f"m{i}", "c0@acme.example") for i in range(30)])
    org.budget = 2  # the settings read and the lookup; no call left for the write
    summary = make_worker(store, org, chunk_size=10).run()
    assert summary.paused == "budget" and summary.pending == 30 and not org.records
    org.budget = None
    summary = make_worker(store, org, chunk_size=10).run()
    assert summary.pending == 0 and len(org.records) == 30


def test_an_org_outage_pauses_the_run_and_keeps_everything_pending(store):
    """R25: a retryable failure of the whole call is never swallowed: the run says so."""
    org = org_with(1)
    app, _ = store
    app.record_activities([sent("m1", "c0@acme.example")])
    worker = make_worker(store, org)
    worker.tracker.current()
    org.outage = True
    summary = worker.run()
    assert summary.paused == "org_unavailable" and summary.pending == 1
    org.outage = False
    assert make_worker(store, org).run().tasks_written == 1


def test_a_batch_formed_again_for_a_written_task_is_written_as_an_update(store):
    """R19, R20: after a replay re-forms a written batch, the worker tells the writer the org
    holds that sync key, so no create-only field goes with the update."""
    org = org_with(2)
    app, _ = store
    app.record_activities([sent("m1", "c0@acme.example", "c1@acme.example")])
    make_worker(store, org).run()
    activity = app.activity("m1")
    (key,) = activity.written
    assert org.told_existing == [set()]  # a first write: nothing existed
    activity.form_batch(activity.planned()[0], app.settings().version, "replay-1")
    app.save(activity)
    make_worker(store, org).run()
    assert org.told_existing[-1] == {key}


@pytest.mark.parametrize("org_shares", [True, False])
def test_an_individual_task_kept_in_a_shared_one_is_sent_with_its_people_to_unrelate_others(
    store, org_shares
):
    """R19: replay keeps a shared Task under a key that becomes the primary's individual Task
    again (the engine's switch off after a fold). The individual Task goes as a shared batch
    of one, so its TaskWhoIds unrelate the others; never in an org without shared activities
    (it refuses TaskWhoIds, and support's disable already dropped the people, R18)."""
    org = org_with(3)
    app, _ = store
    app.record_activities([sent("m1", *(f"c{i}@acme.example" for i in range(3)))])
    make_worker(store, org).run()
    activity = app.activity("m1")
    (key,) = activity.written
    shared = activity.planned()[0]
    own = replace(shared, who_ids=(shared.who_id,), shared=False, batch_count=1)
    activity.form_batch(own, app.settings().version, "replay-1")
    app.save(activity)
    org.shared_enabled = org_shares

    make_worker(store, org).run()

    assert org.sent[-1].sync_key == key and org.sent[-1].shared is org_shares
    assert org.records[key]["who_ids"] == [shared.who_id]
    activity = app.activity("m1")
    assert activity.is_settled and not activity.holds_others(key)
    activity.form_batch(own, app.settings().version, "replay-2")
    app.save(activity)
    make_worker(store, org).run()
    assert org.sent[-1].shared is False  # written alone since: nobody else to unrelate
