"""What encryption at rest costs: ingest and sync with ACTIVITY_SYNC_ENCRYPTION_KEY against without.

Run: .venv/bin/python scripts/bench_at_rest.py [--activities 20000] [--emails 500]
     [--rounds 3] [--stores sqlite,postgres] [--postgres URL] [--json]

In one run, on one machine, against one local org: for each store kind and each round,
a fresh plaintext store and a fresh encrypted one in turn, each going first in every other
round (so warm-up and load on the machine fall on both alike). Ingest: N realistic activities (scripts/bench_ingest.py's mix) recorded
through the same code as `activity-sync ingest`, timed. Sync: M sent emails, each to
3 Contacts, ingested untimed, then the engine's worker writes them to the local org,
timed. Prints the best round of each (activities/s), the ratio encrypted / plaintext
(target >= 0.8x), and the same ratio of this process's CPU seconds, which the machine's
load disturbs less (the local org and PostgreSQL run in processes of their own). Not a test.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_ingest import DEFAULT_POSTGRES, generate, kinds, store_of
from bench_sync import emails, sample_seed

from adapters.bootstrap import build
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.store.encryption import KEY_VARIABLE, new_key
from projections.worker import WorkerOptions

MODES = ("plaintext", "encrypted")


@dataclass
class Timing:
    """Wall and CPU seconds of one timed block (a context manager)."""

    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Timing:
        self.wall, self.cpu = -time.perf_counter(), -time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter()
        self.cpu += time.process_time()


def ingest_time(url: str, env: dict[str, str], lines: bytes, count: int) -> Timing:
    """Wall and CPU seconds recording `lines` into a fresh store."""
    with build(url, env=env) as runtime:
        app = runtime.app  # opened (and its seal checked) before the clock starts
        with Timing() as timing:
            report = ingest_stream(app, io.BytesIO(lines), "bench")
    if report.accepted != count:
        raise SystemExit(f"ingest accepted {report.accepted} of {count}")
    return timing


def sync_time(url: str, env: dict[str, str], org: LocalOrg, activities: list[Any]) -> Timing:
    """Wall and CPU seconds the worker takes to sync a fresh store into the org."""
    lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
    with build(url, org.instance_url, env=env) as runtime:
        ingest_stream(runtime.app, io.BytesIO(lines), "bench")
        worker = runtime.worker(WorkerOptions())
        runtime.tracker().current()
        with Timing() as timing:
            summary = worker.run()
    if summary.pending or summary.records_failed or summary.activities != len(activities):
        raise SystemExit(f"the sync did not finish cleanly: {summary}")
    return timing


def measure(args: argparse.Namespace, folder: Path) -> list[dict[str, Any]]:
    source = generate(folder / "activities.jsonl", args.activities)
    lines = source.read_bytes()
    envs = {"plaintext": {}, "encrypted": {KEY_VARIABLE: new_key()}}
    org = start_local_org(folder / "org.db")
    figures = []
    try:
        seed(org.salesforce(), load_seed(sample_seed()))
        for kind in kinds(args.stores, args.postgres):
            best: dict[str, dict[str, Timing]] = {"ingest": {}, "sync": {}}
            for n in range(args.rounds):
                for mode in MODES if n % 2 == 0 else MODES[::-1]:  # each goes first
                    env = {**org.environment(), **envs[mode]}
                    with store_of(kind, folder, args.postgres, f"i{mode[0]}{n}") as url:
                        _keep(best["ingest"], mode, ingest_time(url, env, lines, args.activities))
                    with store_of(kind, folder, args.postgres, f"s{mode[0]}{n}") as url:
                        batch = emails(args.emails, f"{kind}-{mode}-{n}")
                        _keep(best["sync"], mode, sync_time(url, env, org, batch))
            for part, rates in best.items():
                size = args.activities if part == "ingest" else args.emails
                figures.append(_row(kind, part, size, rates))
    finally:
        org.stop()
    return figures


def _keep(best: dict[str, Timing], mode: str, timing: Timing) -> None:
    """The fastest round of each mode, wall and CPU apart (load only ever slows a run)."""
    kept = best.get(mode)
    if kept is None:
        best[mode] = timing
    else:
        best[mode] = Timing(min(kept.wall, timing.wall), min(kept.cpu, timing.cpu))


def _row(kind: str, part: str, size: int, best: dict[str, Timing]) -> dict[str, Any]:
    plain, encrypted = best["plaintext"], best["encrypted"]
    return {
        "store": kind,
        "part": part,
        "activities": size,
        "plaintext_per_second": round(size / plain.wall, 1),
        "encrypted_per_second": round(size / encrypted.wall, 1),
        "ratio": round(plain.wall / encrypted.wall, 2),
        "cpu_ratio": round(plain.cpu / encrypted.cpu, 2),  # this process's CPU only
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000, help="activities to ingest")
    parser.add_argument("--emails", type=int, default=500, help="sent emails to sync")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--stores", default="sqlite", help="sqlite, postgres or both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL server URL")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = measure(args, Path(tempfile.mkdtemp(prefix="bench-at-rest-")))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"{'store':<10} {'part':<7} {'activities':>10} {'plaintext/s':>12} {'encrypted/s':>12}"
        "  ratio (CPU ratio)"
    )
    for f in figures:
        print(
            f"{f['store']:<10} {f['part']:<7} {f['activities']:>10,} "
            f"{f['plaintext_per_second']:>12,.1f} {f['encrypted_per_second']:>12,.1f}  "
            f"{f['ratio']:.2f}x ({f['cpu_ratio']:.2f}x)  target >= 0.8x"
        )


if __name__ == "__main__":
    main()
