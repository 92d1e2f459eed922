"""API calls and speed of the sync end to end, against the local org (R24, R25). Not a test.

Run: .venv/bin/python scripts/bench_sync.py [--emails 1000] [--latency-ms 0] [--json]
     [--no-baseline]

Data: 300 Accounts of 3 Contacts each (a third with an open Opportunity, a tenth with a
closed one too), 3 reps as Users; N sent emails, each to the 3 Contacts of one Account.
Prints API calls (the org's /limits before and after) against the lower bound for this data
and against a one-call-per-record writer; activities per second of the worker's loop in this
process (start-up left out), and of `activity-sync sync --json` run as a user runs it, in a
process of its own on a fresh store of the same emails (start-up counted).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from adapters.bootstrap import Runtime, build
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.salesforce.chunking import in_statements
from adapters.salesforce.composite import HEAVY_PER_COMPOSITE
from adapters.salesforce.lookups import CONTACTS, LEADS, OPPORTUNITIES, ROLES, USERS
from adapters.salesforce.writes import COLLECTION_SIZE, record_body
from domain.model import PlannedTask, WriteOutcome
from projections.ports import TaskWriter
from projections.worker import SyncSummary, SyncWorker, WorkerOptions

ACCOUNTS = 300
PER_ACCOUNT = 3
REPS = 3
DOMAIN = "bench.example"
OURS = "ours.example"


@dataclass
class Figures:
    emails: int
    records: int
    latency_ms: float
    startup_calls: int  # readiness check, first /limits, settings read
    sync_calls: int  # lookups and writes of the run
    total_calls: int
    lower_bound: int
    lower_bound_detail: dict[str, int]
    ratio_to_bound: float
    baseline_calls: int | None
    ingest_seconds: float
    startup_seconds: float  # build the gateway, readiness check, settings read
    sync_seconds: float  # start-up and the run
    per_second_without_ingest: float
    per_second_with_ingest: float
    baseline_seconds: float | None
    # `activity-sync sync --json` as a user runs it: a process of its own on a fresh store
    # holding the same emails, timed from exec to exit (imports, Salesforce client, probe).
    command_seconds: float
    command_per_second: float
    command_calls: int
    command_peak_rss_mb: float  # its process tree


# --- data ----------------------------------------------------------------------------


def sample_seed() -> dict[str, list[dict[str, Any]]]:
    users = [
        {
            "ref": f"rep{r}",
            "LastName": f"Rep{r}",
            "Email": f"rep{r}@{OURS}",
            "Username": f"rep{r}@{OURS}",
        }
        for r in range(REPS)
    ]
    accounts = [{"ref": f"a{n}", "Name": f"Account {n}"} for n in range(ACCOUNTS)]
    contacts = [
        {
            "LastName": f"Contact {n}-{k}",
            "Email": address(n, k),
            "AccountId": f"@a{n}",
        }
        for n in range(ACCOUNTS)
        for k in range(PER_ACCOUNT)
    ]
    opportunities = []
    for n in range(ACCOUNTS):
        if n % 3 == 0:
            opportunities.append(opportunity(n, "open", "Prospecting", n % REPS))
        if n % 10 == 0:
            opportunities.append(opportunity(n, "closed", "Closed Won", n % REPS))
    return {
        "users": users,
        "accounts": accounts,
        "contacts": contacts,
        "opportunities": opportunities,
    }


def address(account: int, k: int) -> str:
    return f"c{account}.{k}@{DOMAIN}"


def opportunity(account: int, kind: str, stage: str, rep: int) -> dict[str, Any]:
    return {
        "Name": f"{kind} {account}",
        "AccountId": f"@a{account}",
        "StageName": stage,
        "CloseDate": "2026-12-31",
        "OwnerId": f"@rep{rep}",
    }


def emails(count: int, tag: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"<bench-{tag}-{n}@{OURS}>/sent",
            "type": "sent",
            "sender": f"rep{n % REPS}@{OURS}",
            "occurred_at": "2026-11-24T09:00:00Z",
            "subject": f"Proposal {n}",
            "to": [address(n % ACCOUNTS, k) for k in range(PER_ACCOUNT)],
            "body": "Hello, the proposal is attached.",
        }
        for n in range(count)
    ]


# --- the lower bound -------------------------------------------------------------------


def lower_bound(
    activities: Sequence[dict[str, Any]], records: int, accounts: int
) -> dict[str, int]:
    """Calls that chunked lookups and 200-record collections, 5 per composite, need at least.

    Each object type's IN list is cut into statements by the same measure the gateway uses
    (under 95,000 characters and 2,000 values). People and Users are looked up by address;
    Opportunities by AccountId and contact roles by ContactId can only be asked once the
    Contacts are known, so the two stages cannot share a composite call. Records go in
    collections of 200, five collections to a composite call.
    """
    people = sorted({a for act in activities for a in act["to"]})
    senders = sorted({act["sender"] for act in activities})
    # Ids have a fixed length: any 18-character values measure the same as the real ones.
    account_ids = [f"001{n:015d}" for n in range(accounts)]
    contact_ids = [f"003{n:015d}" for n in range(len(people))]
    first = sum(
        len(in_statements(head, values))
        for head, values in ((CONTACTS, people), (LEADS, people), (USERS, senders))
    )
    second = len(in_statements(OPPORTUNITIES, account_ids)) + len(in_statements(ROLES, contact_ids))
    collections = math.ceil(records / COLLECTION_SIZE)
    lookups = math.ceil(first / HEAVY_PER_COMPOSITE) + math.ceil(second / HEAVY_PER_COMPOSITE)
    writes = math.ceil(collections / HEAVY_PER_COMPOSITE)
    return {
        "statements": first + second,
        "lookup_calls": lookups,
        "collections": collections,
        "write_calls": writes,
        "total": lookups + writes,
    }


# --- a one-call-per-record writer (the baseline) ----------------------------------------


class OneCallPerRecordWriter(TaskWriter):
    """The naive writer: `sf.Task.upsert` (or Event) once per record, same bodies."""

    def __init__(self, sf: Salesforce, external_id_field: str = "Activity_Sync_Key__c") -> None:
        self.sf = sf
        self.field = external_id_field

    def write(
        self, tasks: Sequence[PlannedTask], existing: Collection[str] = ()
    ) -> list[WriteOutcome]:
        return [self._one(task) for task in tasks]

    def _one(self, task: PlannedTask) -> WriteOutcome:
        body = record_body(task, self.field, shared_on=True)
        body.pop("attributes")
        body.pop(self.field)
        sobject = getattr(self.sf, task.sobject)
        try:
            response = sobject.upsert(f"{self.field}/{task.sync_key}", body, raw_response=True)
        except SalesforceError as error:
            return WriteOutcome(task.sync_key, False, code=str(error.status), message=str(error))
        answer = response.json() if response.content else {}
        created = response.status_code == 201
        return WriteOutcome(task.sync_key, True, answer.get("id"), created=created)

    def delete(self, salesforce_ids: Sequence[str]) -> list[WriteOutcome]:
        raise NotImplementedError("the baseline only writes")

    def fetch(self, sync_keys: Sequence[str], sobject: str = "Task") -> list[Any]:
        raise NotImplementedError("the baseline only writes")


# --- running -----------------------------------------------------------------------------


def used(org: LocalOrg) -> int:
    """Today's API usage from GET /limits; the read counts itself (as Salesforce does)."""
    daily = org.salesforce().limits()["DailyApiRequests"]
    return int(daily["Max"]) - int(daily["Remaining"])


def ingest(engine: Runtime, activities: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
    report = ingest_stream(engine.app, io.BytesIO(lines), "bench")
    if report.rejected or report.accepted != len(activities):
        raise SystemExit(f"ingest refused lines: {report.to_dict()}")
    return time.perf_counter() - started


def engine_sync(org: LocalOrg, folder: Path, activities: list[dict[str, Any]]) -> dict[str, Any]:
    """Ingest, then the engine as `activity-sync sync` runs it; calls counted by /limits."""
    engine = build(f"sqlite:///{folder / 'store.db'}", org.instance_url, env=org.environment())
    try:
        ingest_seconds = ingest(engine, activities)
        before_start = used(org)
        started = time.perf_counter()
        worker = engine.worker(WorkerOptions())
        engine.tracker().current()  # the settings read of R17 (once per five minutes)
        startup_seconds = time.perf_counter() - started
        after_start = used(org)
        started = time.perf_counter()
        summary = worker.run()
        run_seconds = time.perf_counter() - started
        after = used(org)
        records = sum(len(engine.app.activity(a["id"]).batches) for a in activities)
    finally:
        engine.close()
    return {
        "summary": summary,
        "startup_calls": after_start - before_start - 1,
        "sync_calls": after - after_start - 1,
        "ingest_seconds": ingest_seconds,
        "startup_seconds": startup_seconds,
        "run_seconds": run_seconds,
        "records": records,
    }


def baseline_sync(org: LocalOrg, folder: Path, activities: list[dict[str, Any]]) -> dict[str, Any]:
    """The same run with the one-call-per-record writer (lookups through the gateway)."""
    engine = build(f"sqlite:///{folder / 'baseline.db'}", org.instance_url, env=org.environment())
    try:
        ingest(engine, activities)
        gateway = engine.gateway()
        engine.tracker().current()
        writer = OneCallPerRecordWriter(org.salesforce())
        worker = SyncWorker(
            engine.app,
            engine.queue(),
            gateway,
            writer,
            engine.tracker(),
            calls=lambda: int(gateway.calls_made),
        )
        before = used(org)
        started = time.perf_counter()
        summary = worker.run()
        seconds = time.perf_counter() - started
        calls = used(org) - before - 1
    finally:
        engine.close()
    check(summary, len(activities))
    return {"calls": calls, "seconds": seconds}


def command_sync(org: LocalOrg, folder: Path, activities: list[dict[str, Any]]) -> dict[str, Any]:
    """`activity-sync sync --json` in a process of its own, on a store ingested beforehand."""
    from bench_ingest import EXECUTABLE, child_env, run_measured

    url = f"sqlite:///{folder / 'command.db'}"
    engine = build(url, org.instance_url, env=org.environment())
    try:
        ingest(engine, activities)
    finally:
        engine.close()
    before = used(org)
    env = {**child_env(), **org.environment(), "ACTIVITY_SYNC_STORE": url}
    run = run_measured([str(EXECUTABLE), "sync", "--json"], env)
    summary = run.json()
    calls = used(org) - before - 1
    if summary["activities"] != len(activities) or summary["pending"]:
        raise SystemExit(f"the sync command did not finish: {summary}")
    return {"seconds": run.seconds, "calls": calls, "peak_rss_mb": run.peak_rss_mb}


def check(summary: SyncSummary, count: int) -> None:
    if summary.pending or summary.records_failed or summary.activities != count:
        raise SystemExit(f"the run did not finish cleanly: {summary}")


def measure(count: int, latency_ms: float, with_baseline: bool) -> Figures:
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    faults = f"LATENCY_MS:{latency_ms:g}" if latency_ms else None
    org = start_local_org(folder / "org.db", faults=faults)
    try:
        seed(org.salesforce(), load_seed(sample_seed()))
        activities = emails(count, "engine")
        run = engine_sync(org, folder, activities)
        check(run["summary"], count)
        baseline = baseline_sync(org, folder, emails(count, "baseline")) if with_baseline else None
        command = command_sync(org, folder, emails(count, "command"))
    finally:
        org.stop()
    bound = lower_bound(activities, run["records"], accounts=min(count, ACCOUNTS))
    sync_seconds = run["startup_seconds"] + run["run_seconds"]
    return Figures(
        emails=count,
        records=run["records"],
        latency_ms=latency_ms,
        startup_calls=run["startup_calls"],
        sync_calls=run["sync_calls"],
        total_calls=run["startup_calls"] + run["sync_calls"],
        lower_bound=bound["total"],
        lower_bound_detail=bound,
        ratio_to_bound=round(run["sync_calls"] / bound["total"], 2),
        baseline_calls=baseline["calls"] if baseline else None,
        ingest_seconds=round(run["ingest_seconds"], 3),
        startup_seconds=round(run["startup_seconds"], 3),
        sync_seconds=round(sync_seconds, 3),
        per_second_without_ingest=round(count / sync_seconds, 1),
        per_second_with_ingest=round(count / (sync_seconds + run["ingest_seconds"]), 1),
        baseline_seconds=round(baseline["seconds"], 3) if baseline else None,
        command_seconds=round(command["seconds"], 2),
        command_per_second=round(count / command["seconds"], 1),
        command_calls=command["calls"],
        command_peak_rss_mb=round(command["peak_rss_mb"], 1),
    )


def report(figures: Figures) -> None:
    f = figures
    bound = f.lower_bound_detail
    print(
        f"{f.emails} sent emails to {PER_ACCOUNT} Contacts each ({ACCOUNTS} Accounts), "
        f"{f.records} records planned, latency {f.latency_ms:g} ms per request"
    )
    print(
        f"API calls, engine:          {f.total_calls:6d} in all = {f.startup_calls} start-up "
        "(readiness check, first /limits, settings read) + "
        f"{f.sync_calls} for lookups and writes"
    )
    print(
        f"lower bound for this data:  {f.lower_bound:6d} = {bound['statements']} lookup "
        f"statements in {bound['lookup_calls']} composite call(s) + {bound['collections']} "
        f"collections in {bound['write_calls']} composite call(s)"
    )
    print(f"engine / lower bound:       {f.ratio_to_bound:6.2f}x (lookups and writes)")
    if f.baseline_calls is not None:
        print(
            f"one call per record:        {f.baseline_calls:6d} calls "
            f"({f.baseline_calls / max(1, f.total_calls):.0f}x the engine), "
            f"{f.baseline_seconds:.2f} s"
        )
    print(
        f"time: ingest {f.ingest_seconds:.2f} s, sync {f.sync_seconds:.2f} s "
        f"(of which start-up {f.startup_seconds:.2f} s)"
    )
    print(
        f"activities per second:      {f.per_second_without_ingest:8.1f} without ingest, "
        f"{f.per_second_with_ingest:8.1f} with ingest"
    )
    print(
        f"as the command runs it:     {f.command_per_second:8.1f} activities/s "
        f"(`activity-sync sync`, {f.command_seconds:.2f} s from exec to exit, "
        f"{f.command_calls} API calls, {f.command_peak_rss_mb:.0f} MB)"
    )
    print(
        "targets: at most 20 calls: "
        + ("met" if f.total_calls <= 20 else "MISSED")
        + "; within 1.2x of the lower bound: "
        + ("met" if f.ratio_to_bound <= 1.2 else "MISSED")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000, help="sent emails to sync")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-baseline", action="store_true", help="skip the per-record writer")
    args = parser.parse_args()
    figures = measure(args.emails, args.latency_ms, not args.no_baseline)
    if args.json:
        print(json.dumps(asdict(figures), indent=2))
    else:
        report(figures)


if __name__ == "__main__":
    main()
