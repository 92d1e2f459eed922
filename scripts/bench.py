"""The benchmark suite: ingest, sync and several workers, side by side for this machine (issue 8).

Run: .venv/bin/python scripts/bench.py [--quick] [--stores sqlite,postgres] [--postgres URL]
     [--json | --markdown]

- ingest: `activity-sync ingest` on 100,000 activities (10,000 with --quick) next to the
  raw eventsourcing baseline measured in the same run on the same kind of store (one
  aggregate of 4 events per save); target >= 1.0x. (scripts/bench_ingest.py)
- sync: activities/s end to end against the local org, API calls per 1,000 emails
  against the lower bound (target within 1.2x) and a one-call-per-record writer.
  (scripts/bench_sync.py, run as it is)
- workers: 1, 2 and 3 `activity-sync sync` processes on one PostgreSQL backlog against
  the local org answering every call 50 ms late: throughput shows network waits overlap.
- peak memory (RSS, the kernel's high-water mark) of every process measured.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench_ingest import (
    DEFAULT_POSTGRES,
    EXECUTABLE,
    child_env,
    generate,
    kinds,
    measure_ingest,
    postgres_reason,
    postgres_schema,
    run_measured,
)
from bench_sync import emails, sample_seed

from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.store.persistence import open_app

SIZES = {
    False: {"ingest": 100_000, "baseline": 10_000, "sync": 1_000, "workers": 1_500, "chunk": 50},
    True: {"ingest": 10_000, "baseline": 2_000, "sync": 200, "workers": 300, "chunk": 25},
}
LATENCY = "LATENCY_MS:50"


@dataclass
class WorkersFigures:
    workers: int
    activities: int
    seconds: float  # from starting the processes to the last one's exit
    per_second: float
    speedup: float
    run_seconds: float  # first run started to last run finished (no process start-up)
    run_per_second: float
    cpu_seconds: float  # of the workers together
    api_calls: int
    peak_rss_mb: float  # the largest worker


def measure_sync(count: int) -> dict[str, Any]:
    """scripts/bench_sync.py as it is, in a process of its own (its RSS is the engine's)."""
    script = Path(__file__).with_name("bench_sync.py")
    measured = run_measured([sys.executable, str(script), "--emails", str(count), "--json"])
    figures = dict(measured.json())
    figures["peak_rss_mb"] = round(measured.peak_rss_mb, 1)
    per_thousand = 1000 / figures["emails"]
    figures["calls_per_1000"] = round(figures["total_calls"] * per_thousand, 1)
    figures["sync_calls_per_1000"] = round(figures["sync_calls"] * per_thousand, 1)
    figures["bound_per_1000"] = round(figures["lower_bound"] * per_thousand, 1)
    figures["per_record_per_1000"] = round((figures["baseline_calls"] or 0) * per_thousand, 1)
    return figures


def measure_workers(count: int, chunk: int, server: str, folder: Path) -> list[WorkersFigures]:
    """1, 2, 3 workers, each time on a fresh PostgreSQL backlog of `count` emails."""
    org = start_local_org(folder / "workers-org.db", faults=LATENCY)
    try:
        seed(org.salesforce(), load_seed(sample_seed()))
        results: list[WorkersFigures] = []
        for workers in (1, 2, 3):
            with postgres_schema(server, "workers") as url:
                _ingest(url, emails(count, f"w{workers}"))
                env = {**child_env(), **org.environment(), "ACTIVITY_SYNC_STORE": url}
                command = [str(EXECUTABLE), "sync", "--json", "--chunk-size", str(chunk)]
                started = time.perf_counter()
                with ThreadPoolExecutor(workers) as pool:
                    runs = list(pool.map(run_measured, [command] * workers, [env] * workers))
                seconds = time.perf_counter() - started
                window = _run_window(url)
            summaries = [run.json() for run in runs]
            if sum(s["activities"] for s in summaries) != count or any(
                s["pending"] for s in summaries
            ):
                raise SystemExit(f"the workers did not finish the backlog: {summaries}")
            single = results[0].run_seconds if results else window
            results.append(
                WorkersFigures(
                    workers=workers,
                    activities=count,
                    seconds=round(seconds, 2),
                    per_second=round(count / seconds, 1),
                    speedup=round(single / window, 2),
                    run_seconds=round(window, 2),
                    run_per_second=round(count / window, 1),
                    cpu_seconds=round(sum(run.cpu_seconds for run in runs), 1),
                    api_calls=sum(s["api_calls"] for s in summaries),
                    peak_rss_mb=round(max(run.peak_rss_mb for run in runs), 1),
                )
            )
        return results
    finally:
        org.stop()


def _run_window(url: str) -> float:
    """Seconds from the first SyncRun's start to the last one's finish, read from the store."""
    topics = ["activity_sync:SyncRun.Started", "activity_sync:SyncRun.Finished"]
    stamps: dict[str, list[Any]] = {topic: [] for topic in topics}
    app = open_app(url)
    try:
        start = 1
        while batch := app.notification_log.select(start=start, limit=1000, topics=topics):
            for notification in batch:
                event = app.mapper.to_domain_event(notification)
                stamps[notification.topic].append(event.timestamp)
            start = batch[-1].id + 1
    finally:
        app.close()
    return (max(stamps[topics[1]]) - min(stamps[topics[0]])).total_seconds()


def _ingest(url: str, activities: list[dict[str, Any]]) -> None:
    app = open_app(url)
    try:
        lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
        report = ingest_stream(app, io.BytesIO(lines), "bench")
    finally:
        app.close()
    if report.accepted != len(activities):
        raise SystemExit(f"ingest refused lines: {report.to_dict()}")


# --- the table -------------------------------------------------------------------------------


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(part, measured, compared with, ratio / target, peak RSS) for every figure."""
    out = []
    for f in figures["ingest"]:
        out.append(
            (
                f"ingest, {f['store']}, {f['activities']:,} activities",
                f"{f['ingest_per_second']:,} activities/s",
                f"baseline {f['baseline_per_second']:,} aggregates/s "
                f"({f['baseline_aggregates']:,} saves of 4 events)",
                f"{f['ratio']:.1f}x (target >= 1.0x)",
                f"{f['ingest_peak_rss_mb']:.0f} MB (baseline {f['baseline_peak_rss_mb']:.0f} MB)",
            )
        )
    s = figures["sync"]
    if s:
        out.append(
            (
                f"sync, local org, {s['emails']:,} emails ({s['records']:,} records)",
                f"{s['per_second_without_ingest']:,} activities/s",
                f"lower bound {s['bound_per_1000']:g} calls per 1,000 emails; "
                f"one call per record {s['per_record_per_1000']:,.0f}",
                f"{s['sync_calls_per_1000']:g} calls per 1,000 emails "
                f"(+{s['startup_calls']} at start-up): {s['ratio_to_bound']:.2f}x the bound "
                "(target <= 1.2x)",
                f"{s['peak_rss_mb']:.0f} MB",
            )
        )
    for w in figures["workers"]:
        out.append(
            (
                f"{w['workers']} worker(s), PostgreSQL, 50 ms per call, {w['activities']:,} emails",
                f"{w['per_second']:,} activities/s ({w['seconds']:.1f} s with start-up); "
                f"{w['run_per_second']:,}/s running ({w['run_seconds']:.1f} s)",
                f"{w['api_calls']} API calls; worker CPU {w['cpu_seconds']:.1f} s",
                f"{w['speedup']:.2f}x one worker, running",
                f"{w['peak_rss_mb']:.0f} MB per worker",
            )
        )
    return out


def machine() -> str:
    """What the figures were measured on: cores and how busy they already were."""
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, load average {load:.1f} at the start, Python {sys.version.split()[0]}"


HEADER = ("part", "measured", "compared with", "ratio / target", "peak RSS")


def print_rich(command: str, table_rows: list[tuple[str, ...]], context: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"activity-sync benchmarks on this machine ({context})")
    for name in HEADER:
        table.add_column(name)
    for row in table_rows:
        table.add_row(*row)
    console = Console(width=200)
    console.print(f"$ {command}")
    console.print(table)


def print_markdown(command: str, table_rows: list[tuple[str, ...]], context: str) -> None:
    print(f"`{command}` ({context})\n")
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    for row in table_rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about a minute)")
    parser.add_argument("--stores", default="sqlite,postgres", help="ingest on these stores")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument(
        "--skip", default="", help="comma list of parts to skip: ingest,sync,workers"
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true")
    shown.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    size = SIZES[args.quick]
    skip = set(args.skip.split(","))
    stores = kinds(args.stores, args.postgres)
    figures: dict[str, Any] = {"machine": machine(), "ingest": [], "sync": None, "workers": []}
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        folder = Path(name)
        if "ingest" not in skip:
            path = generate(folder / "activities.jsonl", size["ingest"])
            for kind in stores:
                measured = measure_ingest(
                    kind, path, size["ingest"], size["baseline"], args.postgres, folder
                )
                figures["ingest"].append(asdict(measured))
        if "sync" not in skip:
            figures["sync"] = measure_sync(size["sync"])
        if "workers" not in skip and postgres_reason(args.postgres) is None:
            workers = measure_workers(size["workers"], size["chunk"], args.postgres, folder)
            figures["workers"] = [asdict(w) for w in workers]
    command = "python scripts/bench.py " + " ".join(sys.argv[1:])
    if args.json:
        print(json.dumps({"command": command.strip(), **figures}, indent=2))
    elif args.markdown:
        print_markdown(command.strip(), rows(figures), figures["machine"])
    else:
        print_rich(command.strip(), rows(figures), figures["machine"])


if __name__ == "__main__":
    main()
