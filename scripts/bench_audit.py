"""Benchmark the audit read side: task-view catch-up rate and `explain` latency (issue 5, R21).

Builds a store of N synthetic activities (default 100,000) through the aggregates and the
real planner, saved in bulk; catches the task view up from nothing (timed); then times
`explain` for random Task ids, sync keys and activity ids through the same function the
CLI uses (`adapters.cli.audit.explain_document`). Prints median and p95 in milliseconds.

    .venv/bin/python scripts/bench_audit.py [--activities 100000] [--samples 500] [--store URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from adapters.store.persistence import open_app
from adapters.views.documents import explain_document
from adapters.views.task_view import catch_up, view_engine
from domain.activity import EmailActivity
from domain.model import Activity, ContactFact, Directory, OpportunityFact
from domain.planner import plan_activity
from domain.settings import Settings
from projections.application import ActivitySyncApp

SAVE_BATCH = 500
ACCOUNTS = 1_000
CONTACTS = 10_000


def directory(rng: random.Random) -> tuple[Directory, list[str]]:
    """A synthetic org: contacts over accounts, a third of the accounts with opportunities."""
    accounts = [f"001{n:015d}" for n in range(ACCOUNTS)]
    emails = [f"person{n}@customer{n % ACCOUNTS}.example" for n in range(CONTACTS)]
    contacts = {
        email: (ContactFact(f"003{n:015d}", email, accounts[n % ACCOUNTS], "2026-01-01T00:00:00Z"),)
        for n, email in enumerate(emails)
    }
    opportunities = {
        account: tuple(
            OpportunityFact(f"006{i:09d}{k:06d}", account, None, k == 2, f"Deal {k}")
            for k in range(rng.randint(1, 3))
        )
        for i, account in enumerate(accounts)
        if i % 3 == 0
    }
    return Directory(contacts_by_email=contacts, opportunities_by_account=opportunities), emails


def activity(n: int, rng: random.Random, emails: list[str]) -> Activity:
    roll = rng.random()
    when = f"2026-03-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"
    if roll < 0.10:
        return Activity(
            str(n), "open", when, "rep@ourco.example", actor=rng.choice(emails), subject="Hi"
        )
    if roll < 0.14:
        people = tuple(rng.sample(emails, 2))
        return Activity(
            str(n),
            "meeting",
            when,
            "rep@ourco.example",
            to=people,
            subject="Call",
            starts_at=when,
            ends_at=when,
        )
    size = 60 if roll > 0.99 else (8 if roll > 0.90 else 3)
    people = tuple(rng.sample(emails, size))
    return Activity(str(n), "sent", when, "rep@ourco.example", to=people, subject=f"Offer {n}")


def record(
    n: int, rng: random.Random, org: Directory, emails: list[str], settings: Settings
) -> tuple[EmailActivity, list[tuple[str, str]]]:
    """One activity recorded, resolved, planned and written; returns (sync key, Task id) pairs."""
    source = activity(n, rng, emails)
    facts = org.restricted_to(set(source.to) | {source.actor or ""}, {source.sender})
    plan = plan_activity(source, facts, settings)
    aggregate = EmailActivity.record(source, f"file:bench.jsonl:{n}")
    aggregate.resolve(
        [r.to_dict() for r in plan.recipients],
        facts.to_dict(),
        settings.to_dict(),
        list(plan.warnings),
    )
    written = []
    for index, task in enumerate(plan.tasks):
        aggregate.form_batch(task, settings.version, None)
        if rng.random() < 0.03:
            aggregate.record_failure(
                task.sync_key, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", True, 1
            )
        prefix = "00U" if task.sobject == "Event" else "00T"
        salesforce_id = f"{prefix}{n:010d}{index:05d}"
        aggregate.record_write(task, salesforce_id, True, 1)
        written.append((task.sync_key, salesforce_id))
    return aggregate, written


def build(app: ActivitySyncApp, count: int, rng: random.Random) -> dict[str, list[str]]:
    org, emails = directory(rng)
    settings = app.settings()
    ids: dict[str, list[str]] = {"task id": [], "sync key": [], "activity id": []}
    pending: list[EmailActivity] = []
    started = time.perf_counter()
    for n in range(count):
        aggregate, written = record(n, rng, org, emails, settings)
        pending.append(aggregate)
        ids["activity id"].append(str(n))
        if written:
            key, salesforce_id = rng.choice(written)
            ids["sync key"].append(key)
            ids["task id"].append(salesforce_id)
        if len(pending) == SAVE_BATCH:
            app.save(*pending)
            pending.clear()
    if pending:
        app.save(*pending)
    seconds = time.perf_counter() - started
    events = app.recorder.max_notification_id()
    print(
        f"built {count:,} activities, {events:,} events in {seconds:.1f} s ({events / seconds:,.0f} events/s)"
    )
    return ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument(
        "--store", default=None, help="store URL (default: a SQLite file in a temp dir)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as scratch:
        url = args.store or f"sqlite:///{Path(scratch) / 'store.db'}"
        app = open_app(url)
        app.change_setting("shared_activities", "on")
        ids = build(app, args.activities, rng)
        engine = view_engine(url)
        done = catch_up(app, engine)
        print(
            f"catch-up: {done.processed:,} notifications in {done.seconds:.1f} s ({done.rate:,.0f}/s)"
        )
        every: list[float] = []
        for kind, pool in ids.items():
            timings = []
            for ident in rng.sample(pool, min(args.samples, len(pool))):
                started = time.perf_counter()
                explain_document(app, engine, ident)
                timings.append((time.perf_counter() - started) * 1000)
            every += timings
            print(
                f"explain by {kind:<11}: n={len(timings)} median {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms"
            )
        print(
            f"explain overall     : n={len(every)} median {statistics.median(every):.2f} ms, p95 {percentile(every, 0.95):.2f} ms"
        )
        app.close()
        engine.dispose()


if __name__ == "__main__":
    main()
