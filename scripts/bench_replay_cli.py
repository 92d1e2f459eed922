"""`activity-sync replay plan` as a user runs it, against the local org over HTTPS. Not a test.

Run: .venv/bin/python scripts/bench_replay_cli.py [--activities 20000] [--repeat 2] [--json]

The store is made by the real commands: the local org is seeded (300 Accounts of 3
Contacts), N emails to the 3 Contacts of one Account are ingested and synced with
`activity-sync ingest` and `activity-sync sync` while shared activities is on; then the org
is restarted as Salesforce support's disable leaves it (TaskWhoIds stripped). Timed, each a
process of its own, start-up counted, best of `--repeat`:
- floor: a log scan, every notification of the store read and decoded in log order
  (`scripts/bench_replay.py --phase floor`, the same interpreter);
- `replay plan --out FILE` reading the org, at 0 ms and at 50 ms per call (the org's
  `--faults LATENCY_MS:50`), with the default `--workers auto` and with `--workers 1`;
- `replay plan --no-org` (no call at all).
Each row: activities/s, the ratio to the floor, the API calls the plan made (the org's
/limits before and after), and the peak memory of the process tree (worker processes too).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_ingest import EXECUTABLE, child_env, run_measured
from bench_sync import emails, sample_seed, used

from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed


def make_store(org: LocalOrg, folder: Path, count: int) -> str:
    """Ingest and sync `count` emails with the real commands; the store URL."""
    url = f"sqlite:///{folder / 'store.db'}"
    path = folder / "emails.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in emails(count, "replay")))
    env = {**child_env(), **org.environment(), "ACTIVITY_SYNC_STORE": url}
    run_measured([str(EXECUTABLE), "ingest", str(path), "--json"], env).json()
    synced = run_measured([str(EXECUTABLE), "sync", "--json"], env).json()
    if synced["activities"] != count or synced["pending"]:
        raise SystemExit(f"the sync did not finish: {synced}")
    return url


def timed_plan(org: LocalOrg, url: str, folder: Path, extra: list[str]) -> dict[str, Any]:
    env = {**child_env(), **org.environment(), "ACTIVITY_SYNC_STORE": url}
    command = [str(EXECUTABLE), "replay", "plan", "--out", str(folder / "plan.json"), *extra]
    before = used(org)
    run = run_measured(command, env)
    if run.returncode != 0:
        raise SystemExit(f"replay plan failed ({run.returncode}): {run.stderr[-2000:]}")
    calls = used(org) - before - 1
    return {"seconds": run.seconds, "calls": calls, "peak_rss_mb": run.peak_rss_mb}


def floor(folder: Path) -> dict[str, Any]:
    script = Path(__file__).with_name("bench_replay.py")
    command = [sys.executable, str(script), "--phase", "floor", "--dir", str(folder)]
    run = run_measured(command, child_env())
    scanned = run.json()
    return {
        "seconds": run.seconds,
        "scan_seconds": scanned["seconds"],
        "events": scanned["events"],
        "peak_rss_mb": run.peak_rss_mb,
    }


def best(measure: Any, repeat: int) -> dict[str, Any]:
    return min((measure() for _ in range(repeat)), key=lambda run: run["seconds"])


def measure(count: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-replay-cli-") as name:
        folder = Path(name)
        org = start_local_org(folder / "org.db")
        try:
            seed(org.salesforce(), load_seed(sample_seed()))
            url = make_store(org, folder, count)
            org.restart(shared_activities=False)  # what support's disable leaves
            results: dict[str, Any] = {
                "activities": count,
                "floor": best(lambda: floor(folder), repeat),
            }
            rows = [
                ("0 ms, --workers auto", None, []),
                ("0 ms, --workers 1", None, ["--workers", "1"]),
                ("--no-org", None, ["--no-org"]),
                ("50 ms, --workers auto", "LATENCY_MS:50", []),
            ]
            for label, faults, extra in rows:
                if faults != org.faults:
                    org.restart(faults=faults)
                run = best(lambda extra=extra: timed_plan(org, url, folder, extra), repeat)
                run["ratio"] = round(results["floor"]["seconds"] / run["seconds"], 2)
                results[label] = run
        finally:
            org.stop()
    return results


def report(results: dict[str, Any]) -> None:
    count, low = results["activities"], results["floor"]
    print(
        f"{count:,} activities ({low['events']:,} events), made by ingest and sync against "
        "the local org; org then as support's disable leaves it"
    )
    print(
        f"{'floor: log scan':<26}{count / low['seconds']:>9,.0f} activities/s "
        f"({low['seconds']:.1f} s as a process, {low['scan_seconds']:.1f} s scanning), "
        f"{low['peak_rss_mb']:.0f} MB"
    )
    for label, run in results.items():
        if label in ("activities", "floor"):
            continue
        print(
            f"{'replay plan, ' + label:<26}{count / run['seconds']:>9,.0f} activities/s "
            f"({run['seconds']:.1f} s), {run['ratio']:.2f}x the floor, {run['calls']} API calls, "
            f"{run['peak_rss_mb']:.0f} MB (process tree)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per row; the best counts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.activities, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)


if __name__ == "__main__":
    main()
