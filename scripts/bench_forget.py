"""The cost of the vault (R29): ingest and sync with personal data sealed against without, in
the same run, and `forget` on a large store. Not a test.

Run: .venv/bin/python scripts/bench_forget.py [--ingest 10000] [--sync 1000]
     [--store-size 100000] [--appearances 1000] [--json]

- throughput: in-process ingest of `--ingest` generated activities (scripts/bench_ingest.py's
  mix, nearly every address new), the same count of emails to 900 recurring Contacts, and a sync of `--sync` emails against the local org (scripts/bench_sync.py's data),
  each on a fresh SQLite store with the vault and without it; target >= 0.8x.
- forget: a SQLite store of `--store-size` emails synced into the local org, one Contact
  named in `--appearances` of them (as primary or secondary of a shared Task); then
  `forget` with `--in-org unrelate`: seconds and the org's API calls (GET /limits), once
  the read models are caught up (their catch-up from nothing is shown beside).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_ingest import generate
from bench_sync import ACCOUNTS, OURS, PER_ACCOUNT, REPS, address, emails, sample_seed, used

from adapters.bootstrap import build
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.privacy.forget import forget, parse_address, preview
from adapters.store.persistence import open_app
from adapters.views import address_index, task_view
from projections.worker import WorkerOptions

PERSON = address(0, 1)


def ingest_seconds(url: str, lines: bytes, vault: bool) -> float:
    app = open_app(url, vault=vault)
    try:
        started = time.perf_counter()
        report = ingest_stream(app, io.BytesIO(lines), "bench")
        seconds = time.perf_counter() - started
    finally:
        app.close()
    if report.rejected:
        raise SystemExit(f"ingest refused lines: {report.to_dict()}")
    return seconds


def sync_seconds(org: LocalOrg, url: str, activities: list[dict[str, Any]], vault: bool) -> float:
    app = open_app(url, vault=vault)
    lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
    ingest_stream(app, io.BytesIO(lines), "bench")
    with build(url, org.instance_url, env=org.environment(), app=app) as runtime:
        worker = runtime.worker(WorkerOptions())
        runtime.tracker().current()
        started = time.perf_counter()
        summary = worker.run()
        seconds = time.perf_counter() - started
    if summary.records_failed or summary.pending:
        raise SystemExit(f"sync did not finish: {summary}")
    return seconds


def throughput(folder: Path, org: LocalOrg, count: int, sync_count: int) -> dict[str, Any]:
    lines = generate(folder / "input.jsonl", count).read_bytes()
    figures: dict[str, Any] = {"ingest_activities": count, "sync_emails": sync_count}
    for vault in (False, True):
        name = "vault" if vault else "plain"
        url = f"sqlite:///{folder / f'ingest-{name}.db'}"
        figures[f"ingest_{name}_per_second"] = count / ingest_seconds(url, lines, vault)
        url = f"sqlite:///{folder / f'sync-{name}.db'}"
        mails = emails(sync_count, f"{name}")
        figures[f"sync_{name}_per_second"] = sync_count / sync_seconds(org, url, mails, vault)
    recurring = "".join(json.dumps(a) + "\n" for a in emails(count, "recurring")).encode()
    for vault in (False, True):
        name = "vault" if vault else "plain"
        url = f"sqlite:///{folder / f'recurring-{name}.db'}"
        figures[f"ingest_recurring_{name}_per_second"] = count / ingest_seconds(
            url, recurring, vault
        )
    for kind in ("ingest", "ingest_recurring", "sync"):
        plain, sealed = figures[f"{kind}_plain_per_second"], figures[f"{kind}_vault_per_second"]
        figures[f"{kind}_ratio"] = sealed / plain
    return figures


def large_store(count: int, appearances: int) -> list[dict[str, Any]]:
    """Emails to the three Contacts of one Account; every count/appearances-th one goes to
    the first Account, whose second Contact is the person to forget."""
    every = max(1, count // appearances)
    found = []
    for n in range(count):
        account = 0 if n % every == 0 and n // every < appearances else 1 + n % (ACCOUNTS - 1)
        found.append(
            {
                "id": f"<big-{n}@{OURS}>/sent",
                "type": "sent",
                "sender": f"rep{n % REPS}@{OURS}",
                "occurred_at": "2026-11-24T09:00:00Z",
                "subject": f"Proposal {n}",
                "to": [address(account, k) for k in range(PER_ACCOUNT)],
                "body": "Hello, the proposal is attached.",
            }
        )
    return found


def forget_figures(folder: Path, org: LocalOrg, count: int, appearances: int) -> dict[str, Any]:
    url = f"sqlite:///{folder / 'large.db'}"
    sync_seconds(org, url, large_store(count, appearances), True)
    with build(url, org.instance_url, env=org.environment()) as runtime:
        started = time.perf_counter()
        task_view.catch_up(runtime.app, runtime.views)  # as `stats` or the console leave it
        address_index.catch_up(runtime.app, runtime.views)
        views = time.perf_counter() - started
        address = parse_address(PERSON)
        before = used(org)
        started = time.perf_counter()
        found = preview(runtime, address)
        report = forget(runtime, address, found, "unrelate", "bench")
        seconds = time.perf_counter() - started
        calls = used(org) - before - 1
    return {
        "store_activities": count,
        "views_catch_up_seconds": views,
        "person_in_activities": report.activities,
        "forget_seconds": seconds,
        "forget_api_calls": calls,
        "org": report.org,
        "org_replanned": report.org_replanned,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest", type=int, default=10_000)
    parser.add_argument("--sync", type=int, default=1_000)
    parser.add_argument("--store-size", type=int, default=100_000)
    parser.add_argument("--appearances", type=int, default=1_000)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-forget-") as name:
        folder = Path(name)
        org = start_local_org(folder / "org.db")
        try:
            seed(org.salesforce(), load_seed(sample_seed()))
            figures = throughput(folder, org, options.ingest, options.sync)
            figures |= forget_figures(folder, org, options.store_size, options.appearances)
        finally:
            org.stop()
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else value
        print(f"{key:28} {shown}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
