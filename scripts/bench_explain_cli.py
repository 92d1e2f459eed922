"""The first `activity-sync explain` after a bulk load, as a user runs it. Not a test.

Run: .venv/bin/python scripts/bench_explain_cli.py [--activities 20000] [--json]

The store is made by the real commands (`ingest`, then `sync` against the local org, as in
scripts/bench_replay_cli.py), so the task view has not read any of it yet. Timed, each a
process of its own from exec to exit:
- `explain TASK_ID` first, with the view that far behind (a Salesforce id, a sync key and
  an activity id: the three kinds of id it takes);
- `stats`, which does make the view follow the whole log: the wait explain used to pay;
- `explain TASK_ID` again once the view is current;
- floor: `settings show`, a command that only reads one aggregate (the CLI's start-up).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench_ingest import EXECUTABLE, child_env, run_measured
from bench_replay_cli import make_store
from bench_sync import sample_seed

from adapters.local_org.launcher import start_local_org
from adapters.local_org.seed import load_seed, seed


def timed(env: dict[str, str], *args: str) -> float:
    run = run_measured([str(EXECUTABLE), *args], env)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({run.returncode}): {run.stderr[-1000:]}")
    return run.seconds


def measure(count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-explain-cli-") as name:
        folder = Path(name)
        org = start_local_org(folder / "org.db")
        try:
            seed(org.salesforce(), load_seed(sample_seed()))
            url = make_store(org, folder, count)
            env = {**child_env(), **org.environment(), "ACTIVITY_SYNC_STORE": url}
            task = org.salesforce().query("SELECT Id, Activity_Sync_Key__c FROM Task LIMIT 1")
            record = task["records"][0]
            results = {
                "activities": count,
                "floor_settings_show": timed(env, "settings", "show"),
                "first_explain_salesforce_id": timed(env, "explain", record["Id"]),
                "first_explain_sync_key": timed(env, "explain", record["Activity_Sync_Key__c"]),
                "first_explain_activity_id": timed(
                    env, "explain", f"<bench-replay-{count // 2}@ours.example>/sent"
                ),
                "stats_catching_up": timed(env, "stats"),
                "explain_view_current": timed(env, "explain", record["Id"]),
            }
        finally:
            org.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.activities)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.activities:,} activities ingested and synced; the task view had read none of it")
    for key, value in results.items():
        if key != "activities":
            print(f"{key.replace('_', ' '):<32}{value:6.2f} s")


if __name__ == "__main__":
    main()
