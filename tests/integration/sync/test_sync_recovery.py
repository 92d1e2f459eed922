"""Nothing lost, nothing doubled: support disabling shared activities (R18), re-runs,
re-delivery and a crash between the write and its record (R20), checked in the org."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sync_e2e_support import SyncCase, fast_options, people

from domain.activity import EmailActivity
from domain.model import WriteOutcome
from domain.settings import OrgSettings

KEY = "Activity_Sync_Key__c"


def test_after_support_disables_shared_activities_new_emails_become_individual_tasks(
    fresh_case: Any,
) -> None:
    """R18: the org (on) is restarted off on the same db; the worker still believes it on,
    its shared write is refused, it records the change, re-plans and writes one Task per
    Contact. The Task written before keeps its primary: nothing is lost."""
    case: SyncCase = fresh_case(shared_activities=True)
    case.seed({"contacts": people("c", 4, case.domain)})
    case.ingest(case.sent("before", ["c0", "c1", "c2"]))
    with case.engine() as engine:
        worker = engine.worker(fast_options())
        first = worker.run()
        (shared,) = case.tasks()
        case.org.restart(shared_activities=False)
        case.ingest(case.sent("after", ["c1", "c3", "c0"]))
        second = worker.run()
        history = list(engine.app.settings_history())

    assert first.tasks_written == 1 and shared["WhoCount"] == 3
    assert second.replanned == 1 and second.tasks_written == 3 and second.pending == 0
    assert second.records_failed == 0
    tasks = case.tasks(shared=False)
    assert Counter(t["WhoId"] for t in tasks) == Counter(case.who("c0", "c1", "c3", "c0"))
    kept = next(t for t in tasks if t["Id"] == shared["Id"])
    assert kept["WhoId"] == case.ids["c0"] and kept[KEY] == shared[KEY]
    observed = [e for e in history if isinstance(e, OrgSettings.SharedActivitiesObserved)]
    assert [(e.enabled, e.source) for e in observed] == [
        (True, "metadata_api"),
        (False, "write_refused"),
    ]
    after = case.activity("after")
    assert len(after.written) == 3 and not after.failed


def test_a_crash_between_write_and_record_then_reruns_and_redelivery_never_duplicate(
    case: SyncCase,
) -> None:
    """R20: the worker dies after the org took the writes but before it recorded them; the
    next run upserts the same sync keys (the org answers "updated"), and re-running or
    re-ingesting afterwards writes nothing new."""
    case.seed({"contacts": people("c", 4, case.domain)})
    activities = (case.sent("crash", ["c0", "c1", "c2"]), case.engaged("seen", "open", "c3"))
    case.ingest(*activities)
    seen: list[WriteOutcome] = []

    def crash(outcomes: list[WriteOutcome]) -> None:
        seen.extend(outcomes)
        raise RuntimeError("the process died between the write and its record")

    with pytest.raises(RuntimeError):
        case.sync(after_write=crash)
    assert len(seen) == 2 and all(o.ok and o.created for o in seen)
    assert {t["Id"] for t in case.tasks()} == {o.salesforce_id for o in seen}

    recovered = case.sync()
    assert recovered.tasks_written == 2 and recovered.pending == 0
    report = case.ingest(*activities)
    assert report.accepted == 0 and report.duplicates == 2
    again = case.sync()
    assert again.activities == 0 and again.tasks_written == 0

    tasks = case.tasks()
    assert {t["Id"] for t in tasks} == {o.salesforce_id for o in seen}
    assert Counter(t[KEY] for t in tasks) == Counter(o.sync_key for o in seen)
    created = [e for e in _history(case) if isinstance(e, EmailActivity.TaskCreated)]
    assert [e.created for e in created] == [False, False]  # the re-run updated, never created


def _history(case: SyncCase) -> list[object]:
    with case.engine() as engine:
        return [
            event
            for name, kind in (("crash", "sent"), ("seen", "open"))
            for event in engine.app.history(case.activity(name, kind).id)
        ]
