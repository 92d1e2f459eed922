"""Requests per second of the local org: single creates, 200-record collections, queries.

Run: .venv/bin/python scripts/bench_local_org.py [--creates 300] [--collections 30]
     [--queries 300] [--threads 1] [--preload-tasks 0]
Prints one line per figure, so the local org is never the bottleneck unknowingly.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from simple_salesforce.format import format_soql

from adapters.local_org.launcher import LocalOrg, start_local_org


def timed(
    label: str, calls: int, work: Callable[[int], object], threads: int, records: int = 0
) -> None:
    started = time.perf_counter()
    if threads == 1:
        for i in range(calls):
            work(i)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, range(calls)))
    seconds = time.perf_counter() - started
    extra = f", {records / seconds:8.0f} records/s" if records else ""
    print(
        f"{label:<44} {calls:6d} calls in {seconds:6.2f} s: {calls / seconds:8.1f} requests/s{extra}"
    )


def contacts(org: LocalOrg, count: int) -> list[str]:
    sf = org.salesforce()
    account = sf.Account.create({"Name": "Bench"})["id"]
    ids: list[str] = []
    for start in range(0, count, 200):
        records = [
            {
                "attributes": {"type": "Contact"},
                "LastName": f"B{i}",
                "Email": f"p{i}@bench.test",
                "AccountId": account,
            }
            for i in range(start, min(start + 200, count))
        ]
        ids += [
            r["id"]
            for r in sf.restful("composite/sobjects", method="POST", json={"records": records})
        ]
    return ids


def task_batch(people: list[str], prefix: str, number: int, size: int = 200) -> dict[str, object]:
    records = [
        {
            "attributes": {"type": "Task"},
            "Activity_Sync_Key__c": f"{prefix}-{number}-{i}",
            "Subject": "Sent (New): bench",
            "Status": "Completed",
            "TaskSubtype": "Email",
            "ActivityDate": "2026-01-31",
            "TaskWhoIds": [people[(number * size + i + k) % len(people)] for k in range(3)],
        }
        for i in range(size)
    ]
    return {"allOrNone": False, "records": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--collections", type=int, default=30)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--preload-tasks", type=int, default=0, help="Tasks written before the queries"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        start_local_org(Path(folder) / "bench.db", api_limit=10**9) as org,
    ):
        people = contacts(org, 2000)
        sf = org.salesforce()
        path = "composite/sobjects/Task/Activity_Sync_Key__c"
        timed(
            "single create (Task, 1 contact)",
            args.creates,
            lambda i: sf.Task.create({"Subject": "one", "WhoId": people[i % len(people)]}),
            args.threads,
        )
        timed(
            "collection upsert (200 Tasks x 3 contacts)",
            args.collections,
            lambda i: sf.restful(path, method="PATCH", json=task_batch(people, "c", i)),
            args.threads,
            records=200 * args.collections,
        )
        if args.preload_tasks:
            batches = args.preload_tasks // 200
            timed(
                f"preload {args.preload_tasks} Tasks (collections)",
                batches,
                lambda i: sf.restful(path, method="PATCH", json=task_batch(people, "p", i)),
                args.threads,
                records=200 * batches,
            )
        emails = [f"p{i}@bench.test" for i in range(2000)]
        timed(
            "query (Contact WHERE Email IN 50 addresses)",
            args.queries,
            lambda i: sf.query(
                format_soql(
                    "SELECT Id, Email, AccountId FROM Contact WHERE Email IN {}",
                    emails[(i * 50) % 2000 :][:50],
                )
            ),
            args.threads,
        )
        timed(
            "query (Task by sync key, with TaskWhoRelations)",
            args.queries,
            lambda i: sf.query(
                format_soql(
                    "SELECT Id, WhoId, (SELECT RelationId FROM TaskWhoRelations) FROM Task WHERE Activity_Sync_Key__c IN {}",
                    [f"c-{i % max(args.collections, 1)}-{k}" for k in range(50)],
                )
            ),
            args.threads,
        )
        timed(
            "query all Tasks (paged, 2000 a page)",
            1,
            lambda i: sf.query_all("SELECT Id FROM Task"),
            1,
        )


if __name__ == "__main__":
    main()
