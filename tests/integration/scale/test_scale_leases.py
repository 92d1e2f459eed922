"""Leases of the work queue as several workers see them (issue 8, R20): held, expired, taken over."""

from __future__ import annotations

from pathlib import Path

from adapters.store.persistence import locate, open_app
from adapters.store.sql import engine_for
from adapters.store.work_queue import SqlWorkQueue
from domain.model import Activity


def test_work_another_worker_holds_shows_until_its_lease_runs_out_then_is_taken_over(
    tmp_path: Path,
) -> None:
    """R20: what `sync` waits for; after the lease, another worker claims and settles it."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    app = open_app(url)
    emails = [
        (
            Activity(f"m{n}", "sent", "2026-11-02T09:00:00Z", "rep@ours.example", ("a@b.example",)),
            "t",
        )
        for n in range(3)
    ]
    app.record_activities(emails)
    now = [1_000.0]
    queue = SqlWorkQueue(app, engine_for(locate(url)), clock=lambda: now[0])
    queue.catch_up()

    taken = queue.claim("crashed", 2, lease_seconds=30)
    seen_by_other = queue.held_by_others("other")
    seen_by_itself = queue.held_by_others("crashed")
    now[0] += 31
    after_expiry = queue.held_by_others("other")
    taken_over = queue.claim("other", 10, lease_seconds=30)
    queue.settle("other", {key: 1 for key in taken_over})
    app.close()

    assert (seen_by_other.count, seen_by_other.first_expiry) == (2, 1_030.0)
    assert seen_by_itself.count == 0
    assert after_expiry.count == 0
    assert set(taken) <= set(taken_over) and len(taken_over) == 3
    assert queue.pending_count() == 0
