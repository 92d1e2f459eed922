"""The sync engine against an org that answers at once, next to the library's floor. Not a test.

Run: .venv/bin/python scripts/bench_engine.py [--emails 10000] [--stores sqlite,postgres]
     [--postgres URL] [--chunk-size 1000] [--profile FILE] [--json]

The org is the unit tests' in-memory gateway (tests/unit/sync_fakes.py): 300 Accounts of
3 Contacts, every email sent to the 3 Contacts of one Account, so the time is the engine's
own (loading activities, planning, recording decisions and outcomes, the work queue).
Both sides run in this one process, after start-up (imports, opening the store):
- engine: `SyncWorker.run()` over the whole backlog, as `activity-sync sync` runs it;
- floor: a plain eventsourcing application saving the very events that run stored, decoded
  from its log, into a fresh store of the same kind, two saves per chunk as the worker
  needs (decisions before the write, outcomes after: R20).
The sides take turns (`--repeat`, 3) and each keeps its best time: the machine is shared.
The ratio is floor seconds / engine seconds (1.0 would be the engine costing only its saves).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))

from bench_ingest import DEFAULT_POSTGRES, kinds, store_of  # noqa: E402
from sync_fakes import FakeOrg  # noqa: E402

from adapters.store.persistence import creation_lock, locate, open_app  # noqa: E402
from adapters.store.sql import engine_for  # noqa: E402
from adapters.store.work_queue import SqlWorkQueue  # noqa: E402
from domain.model import Activity  # noqa: E402
from projections.tracker import SettingsTracker  # noqa: E402
from projections.worker import SyncWorker, WorkerOptions  # noqa: E402

ACCOUNTS, PER_ACCOUNT = 300, 3
DECISIONS = ("RecipientsResolved", "BatchFormed")


def fake_org() -> FakeOrg:
    org = FakeOrg()
    for account in range(ACCOUNTS):
        for person in range(PER_ACCOUNT):
            org.add_contact(f"p{person}@a{account}.example", f"001A{account:012d}")
    return org


def emails(count: int) -> list[tuple[Activity, str]]:
    return [
        (
            Activity(
                id=f"<engine-{n}@ours.example>/sent",
                type="sent",
                occurred_at="2026-11-24T09:00:00Z",
                sender=f"rep{n % 3}@ours.example",
                to=tuple(f"p{k}@a{n % ACCOUNTS}.example" for k in range(PER_ACCOUNT)),
                subject=f"Proposal {n}",
                body="Hello, the proposal is attached.",
            ),
            "bench",
        )
        for n in range(count)
    ]


def measure(url: str, count: int, chunk: int, profile: str | None) -> tuple[float, int, Any]:
    """Seconds of one worker run over `count` emails; the log position before it."""
    app = open_app(url)
    for start in range(0, count, 1000):
        app.record_activities(emails(count)[start : start + 1000])
    before = app.recorder.max_notification_id() or 0
    org = fake_org()
    queue = SqlWorkQueue(app, engine_for(locate(url)))
    worker = SyncWorker(
        app,
        queue,
        org,
        org,
        SettingsTracker(app, org),
        calls=lambda: org.calls_made,
        options=WorkerOptions(chunk_size=chunk),
    )
    queue.catch_up()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = worker.run()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds = time.perf_counter() - started
    if summary.tasks_written != count or summary.pending:
        raise SystemExit(f"the run did not finish the backlog: {summary}")
    return seconds, before, app


def floor(app: Any, before: int, url: str, chunk: int) -> tuple[float, int]:
    """Seconds for a plain application to save the events the run stored, two saves a chunk."""
    from eventsourcing.application import Application

    events = []
    start = before + 1
    while batch := app.notification_log.select(start=start, limit=1000):
        events += [app.mapper.to_domain_event(n) for n in batch]
        start = batch[-1].id + 1
    saves: list[list[Any]] = []
    order: dict[Any, int] = {}
    for event in events:
        name = type(event).__qualname__.rsplit(".", 1)[-1]
        index = order.setdefault(event.originator_id, len(order))
        slot = 2 * (index // chunk) + (0 if name in DECISIONS else 1)
        while len(saves) <= slot:
            saves.append([])
        saves[slot].append(event)
    location = locate(url)
    if location.kind == "postgres":
        with creation_lock(location):  # creates the schema
            plain = Application[Any](env=location.env)
    else:
        plain = Application[Any](env=location.env)
    started = time.perf_counter()
    for group in saves:
        if group:
            plain.save(*group)
    seconds = time.perf_counter() - started
    plain.close()
    return seconds, len(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--profile", help="write cProfile stats of the engine run here")
    parser.add_argument("--repeat", type=int, default=3, help="turns per side; best time kept")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as name:
        folder = Path(name)
        for kind in kinds(args.stores, args.postgres):
            best: dict[str, float] = {}
            for _ in range(args.repeat):  # the sides take turns; each keeps its best time
                with store_of(kind, folder, args.postgres, "engine") as url:
                    seconds, before, app = measure(url, args.emails, args.chunk_size, args.profile)
                    with store_of(kind, folder, args.postgres, "floor") as floor_url:
                        floor_seconds, events = floor(app, before, floor_url, args.chunk_size)
                    app.close()
                best["engine"] = min(seconds, best.get("engine", seconds))
                best["floor"] = min(floor_seconds, best.get("floor", floor_seconds))
            results.append(
                {
                    "store": kind,
                    "emails": args.emails,
                    "chunk_size": args.chunk_size,
                    "seconds": round(best["engine"], 2),
                    "per_second": round(args.emails / best["engine"]),
                    "events": events,
                    "floor_seconds": round(best["floor"], 2),
                    "floor_per_second": round(args.emails / best["floor"]),
                    "ratio": round(best["floor"] / best["engine"], 2),
                }
            )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'store':<9}{'emails':>8}{'engine/s':>10}{'floor/s':>10}{'ratio':>7}  (in-process)")
    for r in results:
        print(
            f"{r['store']:<9}{r['emails']:>8,}{r['per_second']:>10,}"
            f"{r['floor_per_second']:>10,}{r['ratio']:>6.2f}x"
        )


if __name__ == "__main__":
    main()
