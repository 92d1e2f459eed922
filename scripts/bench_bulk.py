"""API calls and seconds of a large write by composite and by Bulk API 2.0, against the local org (R24). Not a test.

Run: .venv/bin/python scripts/bench_bulk.py [--tasks 20000] [--latency-ms 0]
     [--sync-emails 10000] [--chunk-size 10000] [--json]

Part 1, the gateway: N individual Tasks (one Contact each, no TaskWhoIds) written once with
Bulk disabled (sObject Collections, five per composite call) and once with the default
threshold (one Bulk API 2.0 job), each under new sync keys. Calls are the gateway's own count
and the org's /limits before and after.
Part 2, the engine (skipped with --sync-emails 0): in an org without shared activities, M sent
emails to one Contact each are ingested and synced as `activity-sync sync --chunk-size K`
runs; prints the calls, seconds and the Bulk jobs the org received.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from adapters.bootstrap import build
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.salesforce import SimpleSalesforceGateway, connect
from adapters.salesforce.bulk_writes import COMPOSITE_RECORDS_PER_CALL, DEFAULT_THRESHOLD
from domain.model import PlannedTask
from projections.worker import WorkerOptions

CONTACTS = 200
DOMAIN = "bulk.example"
OURS = "ours.example"


@dataclass
class Run:
    route: str
    records: int
    calls: int  # the gateway's count (the engine: the worker's lookups and writes)
    org_calls: int  # the org's /limits before and after (the engine: with its start-up reads)
    seconds: float
    bulk_jobs: int


# --- data ----------------------------------------------------------------------------------


def sample_seed() -> dict[str, list[dict[str, Any]]]:
    return {
        "users": [
            {"ref": "rep", "LastName": "Rep", "Email": f"rep@{OURS}", "Username": f"rep@{OURS}"}
        ],
        "accounts": [{"ref": "a", "Name": "Bulk Co"}],
        "contacts": [
            {"LastName": f"Contact {n}", "Email": address(n), "AccountId": "@a"}
            for n in range(CONTACTS)
        ],
    }


def address(n: int) -> str:
    return f"c{n}@{DOMAIN}"


def planned(tag: str, n: int, contacts: list[str]) -> PlannedTask:
    who = contacts[n % len(contacts)]
    return PlannedTask(
        sync_key=f"bench-{tag}-{n}",
        sobject="Task",
        who_id=who,
        who_ids=(who,),
        what_id=None,
        what_rule="R10d",
        account_id=None,
        shared=False,
        fields={
            "Subject": f"Sent (New): Proposal {n}",
            "Status": "Completed",
            "TaskSubtype": "Email",
            "ActivityDate": "2026-11-24",
            "Description": "Hello, the proposal is attached.\nBest regards",
        },
    )


def emails(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"<bench-bulk-{n}@{OURS}>/sent",
            "type": "sent",
            "sender": f"rep@{OURS}",
            "occurred_at": "2026-11-24T09:00:00Z",
            "subject": f"Proposal {n}",
            "to": [address(n % CONTACTS)],
            "body": "Hello, the proposal is attached.",
        }
        for n in range(count)
    ]


# --- running -------------------------------------------------------------------------------


def used(org: LocalOrg) -> int:
    """Today's API usage from GET /limits; the read counts itself (as Salesforce does)."""
    daily = org.salesforce().limits()["DailyApiRequests"]
    return int(daily["Max"]) - int(daily["Remaining"])


def bulk_jobs(org: LocalOrg) -> int:
    return len((org.salesforce().restful("jobs/ingest") or {}).get("records", []))


def gateway_write(org: LocalOrg, route: str, count: int, contacts: list[str]) -> Run:
    threshold = None if route == "composite" else DEFAULT_THRESHOLD
    sf = connect(org.instance_url, org.environment())
    gateway = SimpleSalesforceGateway(sf, budget_percent=None, bulk_threshold=threshold)
    tasks = [planned(route, n, contacts) for n in range(count)]
    jobs_before, before = bulk_jobs(org), used(org)
    started = time.perf_counter()
    outcomes = gateway.write(tasks)
    seconds = time.perf_counter() - started
    org_calls = used(org) - before - 1
    wrong = [o for o in outcomes if not (o.ok and o.created)]
    if wrong:
        raise SystemExit(f"{route}: {len(wrong)} records not created, e.g. {wrong[0]}")
    jobs = bulk_jobs(org) - jobs_before
    return Run(route, count, gateway.calls_made, org_calls, round(seconds, 2), jobs)


def engine_sync(folder: Path, count: int, chunk_size: int, latency_ms: float) -> Run:
    """Ingest, then the worker as `activity-sync sync --chunk-size` runs it (shared activities
    off in the org, so every Contact gets an individual Task)."""
    faults = f"LATENCY_MS:{latency_ms:g}" if latency_ms else None
    org = start_local_org(folder / "sync-org.db", shared_activities=False, faults=faults)
    engine = build(f"sqlite:///{folder / 'store.db'}", org.instance_url, env=org.environment())
    try:
        seed(org.salesforce(), load_seed(sample_seed()))
        lines = "".join(json.dumps(a) + "\n" for a in emails(count)).encode()
        report = ingest_stream(engine.app, io.BytesIO(lines), "bench")
        if report.accepted != count:
            raise SystemExit(f"ingest refused lines: {report.to_dict()}")
        before = used(org)
        started = time.perf_counter()
        summary = engine.worker(WorkerOptions(chunk_size=chunk_size)).run()
        seconds = time.perf_counter() - started
        org_calls = used(org) - before - 1
        if summary.pending or summary.records_failed or summary.tasks_written != count:
            raise SystemExit(f"the sync did not finish cleanly: {summary}")
        return Run(
            f"sync --chunk-size {chunk_size}",
            summary.tasks_written,
            summary.api_calls,
            org_calls,
            round(seconds, 2),
            bulk_jobs(org),
        )
    finally:
        engine.close()
        org.stop()


def measure(count: int, latency_ms: float, sync_emails: int, chunk_size: int) -> list[Run]:
    folder = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    faults = f"LATENCY_MS:{latency_ms:g}" if latency_ms else None
    org = start_local_org(folder / "org.db", faults=faults)
    try:
        seed(org.salesforce(), load_seed(sample_seed()))
        rows = org.salesforce().query_all("SELECT Id FROM Contact")["records"]
        contacts = sorted(r["Id"] for r in rows)
        runs = [gateway_write(org, route, count, contacts) for route in ("composite", "bulk")]
    finally:
        org.stop()
    if sync_emails:
        runs.append(engine_sync(folder, sync_emails, chunk_size, latency_ms))
    return runs


def report(runs: list[Run], latency_ms: float) -> None:
    print(
        f"individual Tasks (no TaskWhoIds), latency {latency_ms:g} ms per request; "
        f"Bulk from {DEFAULT_THRESHOLD} records of one object"
    )
    for run in runs:
        print(
            f"{run.route:28s} {run.records:7d} records  {run.calls:4d} API calls "
            f"(org counted {run.org_calls})  {run.seconds:7.2f} s  {run.bulk_jobs} Bulk job(s)"
        )
    composite = next((r for r in runs if r.route == "composite"), None)
    if composite:
        bound = math.ceil(composite.records / COMPOSITE_RECORDS_PER_CALL)
        print(
            f"composite needs ceil({composite.records} / {COMPOSITE_RECORDS_PER_CALL}) = {bound} calls"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20_000, help="Tasks for part 1")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument(
        "--sync-emails", type=int, default=10_000, help="emails for part 2 (0 skips)"
    )
    parser.add_argument("--chunk-size", type=int, default=10_000, help="the worker's chunk size")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    runs = measure(args.tasks, args.latency_ms, args.sync_emails, args.chunk_size)
    if args.json:
        print(json.dumps([asdict(r) for r in runs], indent=2))
    else:
        report(runs, args.latency_ms)


if __name__ == "__main__":
    main()
