"""API calls and the org's budget, measured by the org itself (R24, R25)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from sync_e2e_support import SyncCase, fast_options, people

KEY = "Activity_Sync_Key__c"
# Each kind fires on 10-15% of requests (lock errors: of records in collections).
FAULTS = "REQUEST_LIMIT_EXCEEDED:0.1,UNABLE_TO_LOCK_ROW:0.15,HTTP_503:0.1,DISCONNECT:0.1"


def _used(case: SyncCase) -> int:
    """Today's API usage from GET /limits (the read itself counts, as in Salesforce)."""
    daily = case.org.salesforce().limits()["DailyApiRequests"]
    return int(daily["Max"]) - int(daily["Remaining"])


def _crowd(
    case: SyncCase, emails: int, per_email: int = 3, contacts: int = 30
) -> list[dict[str, Any]]:
    """Accounts of 3 contacts each; `emails` sent emails, each to `per_email` contacts."""
    accounts = contacts // 3
    case.seed(
        {
            "accounts": [
                {"ref": f"acct{n}", "Name": f"Account {n} {case.tag}"} for n in range(accounts)
            ],
            "contacts": [
                row | {"AccountId": f"@acct{n // 3}"}
                for n, row in enumerate(people("c", contacts, case.domain))
            ],
        }
    )
    return [
        case.sent(f"mail{n}", [f"c{(n * per_email + k) % contacts}" for k in range(per_email)])
        for n in range(emails)
    ]


def _assert_each_planned_record_once(case: SyncCase, activities: list[dict[str, Any]]) -> None:
    planned = case.planned_keys(activities)
    written = Counter(t[KEY] for t in case.tasks())
    assert sorted(written) == sorted(planned) and set(written.values()) == {1}


def test_two_hundred_emails_sync_in_a_handful_of_api_calls(case: SyncCase) -> None:
    """R24: 200 sent emails (3 contacts each) cost at most 6 calls counted by the org's
    /limits: one settings read, two lookup calls, one composite of collections."""
    emails = _crowd(case, 200)
    case.ingest(*emails)
    with case.engine() as engine:
        worker = engine.worker(fast_options())  # the start-up check is not part of the run
        before = _used(case)
        summary = worker.run()
        after = _used(case)

    used = after - before - 1  # the second /limits read counts itself
    assert summary.tasks_written == 200 and summary.pending == 0
    assert used <= 6, f"{used} API calls for 200 emails"
    assert summary.api_calls == used  # the engine's own count agrees with the org's
    _assert_each_planned_record_once(case, emails)


def test_every_activity_ends_synced_exactly_once_through_injected_faults(
    fresh_case: Any,
) -> None:
    """R25, R20: rate limits, lock errors, 503s and dropped connections are retried (in the
    run, and by later runs); in the end each planned record is in the org exactly once."""
    case: SyncCase = fresh_case()
    activities = [*_crowd(case, 40), case.engaged("opened", "open", "c0")]
    case.ingest(*activities)
    runs = []
    with case.engine() as engine:
        transport = engine.gateway().transport
        transport.backoff = replace(transport.backoff, base=0.01, cap=0.2)  # short waits
        worker = engine.worker(fast_options(chunk_size=10))  # the start-up check, unharmed
        case.org.set_faults(f"{FAULTS},SEED:7")
        while not runs or runs[-1].pending:
            assert len(runs) < 10, runs[-1]
            runs.append(worker.run())
        retries = engine.gateway().retries
    case.org.set_faults("")

    assert retries > 0
    assert sum(r.tasks_written for r in runs) == 41
    assert sum(r.records_failed for r in runs) == 0
    _assert_each_planned_record_once(case, activities)


def test_a_tiny_api_limit_pauses_the_run_with_work_pending_until_the_limit_is_raised(
    fresh_case: Any,
) -> None:
    """R25: with a 20-call limit and the default 70% share the engine stops at 14 calls,
    says so and leaves the rest pending (a run soon after spends nothing); once the limit is
    raised, the same worker (as `sync --follow` keeps it) re-reads /limits when its figure
    is five minutes old, and finishes."""
    case: SyncCase = fresh_case(api_limit=20)
    emails = _crowd(case, 60)
    case.ingest(*emails)
    now = [0.0]
    with case.engine() as engine:
        engine.gateway().transport.clock = lambda: now[0]
        worker = engine.worker(fast_options(chunk_size=10))
        paused = worker.run()
        now[0] += 60
        again = worker.run()
        spent = case.org.state()["api_usage"]
        case.org.set_usage(used=spent, limit=1000)
        now[0] += 300
        finished = worker.run()

    assert paused.paused == "budget" and "API budget reached" in (paused.detail or "")
    assert 0 < paused.pending < 60 and spent <= 14
    assert again.paused == "budget" and again.api_calls == 0
    assert finished.paused is None and finished.pending == 0
    assert paused.tasks_written + finished.tasks_written == 60
    _assert_each_planned_record_once(case, emails)
    assert all(case.stored(e["id"]).is_settled for e in emails)
