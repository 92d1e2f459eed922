"""The benchmark suite: every figure beside its floor, measured in the same run on this machine.

Run: .venv/bin/python scripts/bench.py [--quick] [--stores sqlite,postgres] [--postgres URL]
     [--skip ingest,engine,sync,workers] [--json | --markdown]

- ingest: 20,000 activities (5,000 with --quick) against the raw eventsourcing library
  doing the same work with the same batching, in-process (start-up on neither side) and
  as whole commands (start-up on both sides). (scripts/bench_ingest.py)
- engine: the sync worker against an org that answers at once (the unit tests' fake),
  against the library saving the same events. (scripts/bench_engine.py)
- sync: `activity-sync sync` as a user runs it against the local org, and the API calls
  against the lower bound and a one-call-per-record writer. (scripts/bench_sync.py)
- workers: one `sync` process at each chunk size, then 1, 2 and 3 at the default, at 0 and
  50 ms per call, on a PostgreSQL backlog.
- peak memory: the whole process tree of each command (sampled from /proc).
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
    False: {
        "ingest": 20_000,
        "engine": 10_000,
        "sync": 1_000,
        "workers": 3_000,
        "chunks": (50, 200, 500, 1000, 2000),
    },
    True: {"ingest": 5_000, "engine": 2_000, "sync": 200, "workers": 600, "chunks": (50, 1000)},
}
DEFAULT_CHUNK = 1000  # `sync --chunk-size`, chosen by the chunk sweep below (docs/performance.md)


@dataclass
class WorkersFigures:
    workers: int
    chunk: int
    latency_ms: int
    activities: int
    seconds: float  # from starting the processes to the last one's exit (start-up counted)
    per_second: float
    speedup: float  # against one worker at the same chunk size and latency, whole commands
    run_seconds: float  # first run started to last run finished (no process start-up)
    run_per_second: float
    cpu_seconds: float  # of the workers together
    api_calls: int
    peak_rss_mb: float  # the largest worker's process tree


def measure_sync(count: int) -> dict[str, Any]:
    """scripts/bench_sync.py as it is, in a process of its own (its RSS is the engine's)."""
    script = Path(__file__).with_name("bench_sync.py")
    measured = run_measured([sys.executable, str(script), "--emails", str(count), "--json"])
    figures = dict(measured.json())
    per_thousand = 1000 / figures["emails"]
    figures["calls_per_1000"] = round(figures["total_calls"] * per_thousand, 1)
    figures["sync_calls_per_1000"] = round(figures["sync_calls"] * per_thousand, 1)
    figures["bound_per_1000"] = round(figures["lower_bound"] * per_thousand, 1)
    figures["per_record_per_1000"] = round((figures["baseline_calls"] or 0) * per_thousand, 1)
    return figures


def measure_engine(count: int, stores: str, server: str) -> list[dict[str, Any]]:
    """scripts/bench_engine.py: the worker against an instant org, next to the library."""
    script = Path(__file__).with_name("bench_engine.py")
    command = [sys.executable, str(script), "--emails", str(count), "--stores", stores]
    return list(run_measured([*command, "--postgres", server, "--json"], child_env()).json())


def measure_workers(
    count: int, chunks: tuple[int, ...], server: str, folder: Path
) -> list[WorkersFigures]:
    """One worker at every chunk size, then 1, 2, 3 workers at the default, each at 0 and
    50 ms per call, each time on a fresh PostgreSQL backlog of `count` emails."""
    results: list[WorkersFigures] = []
    for latency in (0, 50):
        faults = f"LATENCY_MS:{latency}" if latency else None
        org = start_local_org(folder / f"workers-org-{latency}.db", faults=faults)
        try:
            seed(org.salesforce(), load_seed(sample_seed()))
            runs = [(1, chunk) for chunk in chunks] + [(2, DEFAULT_CHUNK), (3, DEFAULT_CHUNK)]
            for workers, chunk in runs:
                tag = f"w{workers}c{chunk}l{latency}"
                figures = _workers_run(org, server, count, workers, chunk, tag)
                single = next(
                    (
                        r
                        for r in results
                        if (r.workers, r.chunk, r.latency_ms) == (1, chunk, latency)
                    ),
                    None,
                )
                figures.latency_ms = latency
                figures.speedup = round(single.seconds / figures.seconds, 2) if single else 1.0
                results.append(figures)
        finally:
            org.stop()
    return results


def _workers_run(
    org: Any, server: str, count: int, workers: int, chunk: int, tag: str
) -> WorkersFigures:
    with postgres_schema(server, "workers") as url:
        _ingest(url, emails(count, tag))
        env = {**child_env(), **org.environment(), "ACTIVITY_SYNC_STORE": url}
        command = [str(EXECUTABLE), "sync", "--json", "--chunk-size", str(chunk)]
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            runs = list(pool.map(run_measured, [command] * workers, [env] * workers))
        seconds = time.perf_counter() - started
        window = _run_window(url)
    summaries = [run.json() for run in runs]
    if sum(s["activities"] for s in summaries) != count or any(s["pending"] for s in summaries):
        raise SystemExit(f"the workers did not finish the backlog: {summaries}")
    return WorkersFigures(
        workers=workers,
        chunk=chunk,
        latency_ms=0,
        activities=count,
        seconds=round(seconds, 2),
        per_second=round(count / seconds, 1),
        speedup=1.0,
        run_seconds=round(window, 2),
        run_per_second=round(count / window, 1),
        cpu_seconds=round(sum(run.cpu_seconds for run in runs), 1),
        api_calls=sum(s["api_calls"] for s in summaries),
        peak_rss_mb=round(max(run.peak_rss_mb for run in runs), 1),
    )


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
    """(part, measured, floor from the same run, ratio, peak RSS) for every figure."""
    out = []
    for f in figures["ingest"]:
        out.append(
            (
                f"ingest, {f['store']}, {f['activities']:,} activities, in-process",
                f"{f['ingest_per_second']:,} activities/s",
                f"raw eventsourcing, same work and batching: {f['raw_per_second']:,}/s",
                f"{f['ratio']:.2f}x (target >= 0.9x)",
                "",
            )
        )
        out.append(
            (
                f"ingest, {f['store']}, {f['activities']:,} activities, whole commands",
                f"`activity-sync ingest`: {f['command_per_second']:,}/s "
                f"({f['command_seconds']:.1f} s)",
                f"raw script: {f['raw_command_per_second']:,}/s ({f['raw_command_seconds']:.1f} s)",
                f"{f['command_ratio']:.2f}x (target >= 0.8x)",
                f"{f['ingest_peak_rss_mb']:.0f} MB (raw {f['raw_peak_rss_mb']:.0f} MB)",
            )
        )
    for e in figures["engine"]:
        out.append(
            (
                f"sync engine, {e['store']}, {e['emails']:,} emails, instant org, in-process",
                f"{e['per_second']:,} activities/s",
                f"the library saving the same events: {e['floor_per_second']:,}/s",
                f"{e['ratio']:.2f}x",
                "",
            )
        )
    s = figures["sync"]
    if s:
        out.append(
            (
                f"`activity-sync sync`, local org, {s['emails']:,} emails",
                f"{s['command_per_second']:,} activities/s ({s['command_seconds']:.1f} s, "
                f"start-up counted); loop alone {s['per_second_without_ingest']:,}/s",
                f"lower bound {s['bound_per_1000']:g} calls per 1,000 emails; "
                f"one call per record {s['per_record_per_1000']:,.0f}",
                f"{s['sync_calls_per_1000']:g} calls per 1,000 emails "
                f"(+{s['startup_calls']} at start-up): {s['ratio_to_bound']:.2f}x the bound",
                f"{s['command_peak_rss_mb']:.0f} MB",
            )
        )
    for w in figures["workers"]:
        out.append(
            (
                f"{w['workers']} worker(s), chunk {w['chunk']}, {w['latency_ms']} ms per call, "
                f"PostgreSQL, {w['activities']:,} emails",
                f"{w['per_second']:,} activities/s ({w['seconds']:.1f} s with start-up); "
                f"{w['run_per_second']:,}/s running",
                f"{w['api_calls']} API calls; worker CPU {w['cpu_seconds']:.1f} s",
                f"{w['speedup']:.2f}x one worker at this chunk size",
                f"{w['peak_rss_mb']:.0f} MB per worker",
            )
        )
    return out


def machine() -> str:
    """What the figures were measured on: cores and how busy they already were."""
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, load average {load:.1f} at the start, Python {sys.version.split()[0]}"


HEADER = ("part", "measured", "floor / compared with (same run)", "ratio", "peak RSS (tree)")


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
        "--skip", default="", help="comma list of parts to skip: ingest,engine,sync,workers"
    )
    parser.add_argument(
        "--chunks", help="comma list of chunk sizes for one worker (default: the sweep)"
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true")
    shown.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    size = SIZES[args.quick]
    skip = set(args.skip.split(","))
    stores = kinds(args.stores, args.postgres)
    figures: dict[str, Any] = {
        "machine": machine(),
        "ingest": [],
        "engine": [],
        "sync": None,
        "workers": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        folder = Path(name)
        if "ingest" not in skip:
            path = generate(folder / "activities.jsonl", size["ingest"])
            for kind in stores:
                measured = measure_ingest(kind, path, size["ingest"], args.postgres, folder)
                figures["ingest"].append(asdict(measured))
        if "engine" not in skip:
            figures["engine"] = measure_engine(size["engine"], ",".join(stores), args.postgres)
        if "sync" not in skip:
            figures["sync"] = measure_sync(size["sync"])
        if "workers" not in skip and postgres_reason(args.postgres) is None:
            chunks = (
                tuple(int(c) for c in args.chunks.split(",")) if args.chunks else size["chunks"]
            )
            workers = measure_workers(size["workers"], chunks, args.postgres, folder)
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
