"""`stats` (R23, R24, R25) counted from the task view of a known history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_support import Store, first_part, open_store, second_part

from adapters.views.documents import stats_for


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.app.close()


def test_stats_count_activities_writes_sharing_failures_rejections_and_api_use(
    store: Store,
) -> None:
    """R23: 4 three-Contact emails, a 60-Contact email, a refusal, a retry, an open, a meeting,
    an unmatched email, an unresolved one, 2 rejected lines, one sync run of 8 calls."""
    first_part(store, emails=4)

    stats = stats_for(store.app, store.engine)

    assert stats["activities"] == {
        "total": 11,
        "by_type": {"meeting": 1, "open": 1, "sent": 9},
        "by_outcome": {"synced": 8, "pending": 1, "failed": 1, "nothing_to_write": 1},
    }
    assert stats["written"] == {"tasks": 8, "events": 2, "shared_tasks": 6}
    # 4 x (3 - 1) + (50 - 1) + (10 - 1): against one Task per Contact
    assert stats["avoided_by_sharing"] == {"tasks": 66, "one_task_per_contact_would_be": 72}
    assert stats["failures"] == {
        "records_failed": 1,
        "by_code": {
            "INVALID_FIELD": {"events": 1, "permanent": 1},
            "UNABLE_TO_LOCK_ROW": {"events": 1, "permanent": 0},
        },
    }
    assert stats["rejected_lines"] == 2
    assert stats["api"] == {
        "calls": 8,
        "synced_emails": 6,
        "calls_per_email": 1.333,
        "resync": {"activities": 0, "calls": 0},
        "runs": 1,
        "pauses": 1,
        "budget_percent": 70,
        "latest": {
            "used": 100,
            "limit": 15000,
            "at": stats["api"]["latest"]["at"],
            "budget_calls": 10500,
            "budget_used": 0.01,
            "over_budget": False,
        },
    }


def test_stats_follow_a_successful_retry_and_a_replay(store: Store) -> None:
    """R23, R19: a retried failure becomes synced; a replayed email is pending until rewritten."""
    org = first_part(store, emails=4)
    stats_for(store.app, store.engine)
    second_part(store, org)

    stats = stats_for(store.app, store.engine)

    outcomes = stats["activities"]["by_outcome"]
    assert outcomes == {"synced": 8, "pending": 2, "failed": 0, "nothing_to_write": 1}
    assert stats["failures"]["records_failed"] == 0
    assert stats["written"] == {"tasks": 8, "events": 2, "shared_tasks": 5}
    assert stats["avoided_by_sharing"]["tasks"] == 64
