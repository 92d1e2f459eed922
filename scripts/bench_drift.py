"""API calls and time of a drift look (R27) over many written Tasks, against the local org.

Run: .venv/bin/python scripts/bench_drift.py [--tasks 10000] [--changed-percent 1] [--json]

Data: N individual Tasks written by the engine (N engagement activities, one per Contact of
N/10 Accounts), then a person edits the Subject of `changed-percent` of them, in one call.
Prints the calls and seconds of the first look (it reads every record the engine ever wrote:
nothing has been seen yet) and of the next look (only the window since), each beside its
floor: one composite call carries five queries, a query page holds 2,000 records, and the
pages of one query come one after another (each needs the previous page's cursor).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from adapters.bootstrap import build
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org

PAGE = 2000  # records per query page (Salesforce's default batch for REST queries)
PER_CALL = 5  # queries per composite call (the engine's batching, R24)
STATEMENTS = 6  # Task, Event, TaskRelation, deleted Contacts, deleted Leads, converted Leads


def seed(org: LocalOrg, contacts: int) -> list[str]:
    sf = org.salesforce()
    accounts = []
    for start in range(0, contacts // 10, 200):
        batch = [
            {"attributes": {"type": "Account"}, "Name": f"Drift {n}"}
            for n in range(start, min(start + 200, contacts // 10))
        ]
        answer = sf.restful(
            "composite/sobjects", method="POST", json={"allOrNone": True, "records": batch}
        )
        accounts += [r["id"] for r in answer]
    rows = [
        {
            "attributes": {"type": "Contact"},
            "LastName": f"P{n}",
            "Email": f"p{n}@drift.example",
            "AccountId": accounts[n // 10],
        }
        for n in range(contacts)
    ]
    for start in range(0, len(rows), 200):
        body = {"allOrNone": True, "records": rows[start : start + 200]}
        sf.restful("composite/sobjects", method="POST", json=body)
    return [f"p{n}@drift.example" for n in range(contacts)]


def opens(addresses: list[str]) -> bytes:
    lines = [
        {
            "id": f"<drift-{n}>/open",
            "type": "open",
            "sender": "rep@ours.example",
            "actor": address,
            "occurred_at": "2026-11-30T10:00:00Z",
            "subject": f"Drift {n}",
        }
        for n, address in enumerate(addresses)
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def edit(org: LocalOrg, share: float, offset: int) -> int:
    """A person edits the Subject of `share` of the Tasks (from `offset`), 200 a call."""
    pat = org.salesforce(as_user="pat")
    ids = [r["Id"] for r in pat.query_all("SELECT Id FROM Task ORDER BY Id")["records"]]
    chosen = ids[offset :: max(1, round(1 / share))] if share > 0 else []
    for start in range(0, len(chosen), 200):
        records = [
            {"attributes": {"type": "Task"}, "Id": i, "Subject": "Renamed by a person"}
            for i in chosen[start : start + 200]
        ]
        pat.restful(
            "composite/sobjects", method="PATCH", json={"allOrNone": True, "records": records}
        )
    return len(chosen)


def floor(records: int) -> int:
    """Fewest calls for a look that reads `records` rows in one statement: the statements in
    composite calls of five, then each further page of that query in a call of its own."""
    pages = max(1, math.ceil(records / PAGE))
    return math.ceil(STATEMENTS / PER_CALL) + pages - 1


def look(store: str, org: LocalOrg) -> dict[str, Any]:
    with build(store, org.instance_url, env=org.environment()) as runtime:
        gateway = runtime.gateway()
        gateway.api_usage()  # the budget's first read is not the look's
        started = time.perf_counter()
        report = runtime.check_org()
        seconds = time.perf_counter() - started
    return {
        "records_read": report.records_read,
        "changes": len(report.changes),
        "api_calls": report.api_calls,
        "floor_calls": floor(report.records_read),
        "seconds": round(seconds, 2),
    }


def measure(tasks: int, percent: float) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-drift-"))
    org = start_local_org(folder / "org.db", people={"pat": "Pat"})
    try:
        addresses = seed(org, tasks)
        store = f"sqlite:///{folder / 'store.db'}"
        with build(store, org.instance_url, env=org.environment()) as runtime:
            ingest_stream(runtime.app, io.BytesIO(opens(addresses)), "bench")
            summary = runtime.worker().run()
        changed = edit(org, percent / 100, 0)
        first = look(store, org)
        changed_again = edit(org, percent / 100, 1)
        second = look(store, org)
        return {
            "tasks_written": summary.tasks_written,
            "first_look": {**first, "edited_before": changed},
            "next_look": {**second, "edited_before": changed_again},
        }
    finally:
        org.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--changed-percent", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.tasks, args.changed_percent)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['tasks_written']} Tasks written; {args.changed_percent}% edited by a person")
    for name in ("first_look", "next_look"):
        f = figures[name]
        print(
            f"{name.replace('_', ' ')}: {f['records_read']} records read, {f['changes']} changes, "
            f"{f['api_calls']} API calls (floor {f['floor_calls']}), {f['seconds']} s"
        )


if __name__ == "__main__":
    main()
