"""Start-up time of the CLI: `--help` and the read-only commands against their floors. Not a test.

Run: .venv/bin/python scripts/bench_startup.py [--runs 15] [--tree DIR] [--markdown]

Each command runs as a fresh process (`python -c "from adapters.cli.main import main;
main()" ...`, what the `activity-sync` script does), `--runs` times after one warm-up run;
the figure is the median wall time. Its floor is a process that only imports the libraries
the command cannot do without (click for `--help`; eventsourcing, SQLAlchemy, rich, orjson
for the audit commands; simple-salesforce too for `timeline`), timed the same way.
The store is small: the sample day of email (data/) synced into a fresh local org.
A last row times the org setting's read (R17, the Metadata API) as a new process makes it,
against one light REST call (GET /limits) on the same connection.
`--tree DIR` times the CLI of another checkout (e.g. the main branch) on the same store.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = "from adapters.cli.main import main; main()"
BASE = "import click, orjson, rich.console, rich.table, eventsourcing.application, eventsourcing.sqlite"
SQL = "import sqlalchemy, sqlalchemy.dialects.sqlite"
FLOORS = {
    "click": "import click",
    "settings": BASE,
    "audit": f"{BASE}; {SQL}",
    "org": f"{BASE}; import simple_salesforce",
}
# The settings read of R17 as the first Metadata API call of a fresh process, against one
# light REST call on the same warm connection (GET /limits).
PROBE = """
import json, os, time
from adapters.salesforce import open_gateway
gateway = open_gateway(None, os.environ, budget_percent=None)
gateway.transport.sf.limits()
started = time.perf_counter(); gateway.shared_activities(); read = time.perf_counter() - started
started = time.perf_counter(); gateway.transport.sf.limits(); light = time.perf_counter() - started
print(json.dumps([read, light]))
"""


def once(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of one run of argv; a failure stops the bench."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[3:])} failed: {done.stderr.decode()[-400:]}")
    return elapsed


def paired(
    command: list[str], floor: list[str], runs: int, cwd: Path, env: dict[str, str]
) -> tuple[float, float]:
    """Medians of `runs` runs of the command and of its floor, taken in turns (after one
    warm-up each), so that both see the same load on a shared machine."""
    once(command, cwd, env), once(floor, ROOT, env)
    samples = [(once(command, cwd, env), once(floor, ROOT, env)) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def prepare(folder: Path, org: Any, tree: Path) -> tuple[dict[str, str], str, str]:
    """The sample org seeded, the sample day ingested and synced into a store by the timed
    checkout's own CLI (a store is read by the version that wrote it)."""
    from adapters.local_org.seed import load_seed, seed

    seed(org.salesforce(), load_seed(json.loads((ROOT / "data/sample-org.json").read_text())))
    env = {**os.environ, **org.environment(), "ACTIVITY_SYNC_STORE": f"sqlite:///{folder}/s.db"}
    sample = ROOT / "data/sample-activities.jsonl"
    for command in (["ingest", str(sample)], ["sync"]):
        # the sample day holds one record the org refuses on purpose: sync exits 1
        done = subprocess.run(
            [sys.executable, "-c", CLI, *command], cwd=tree, env=env, capture_output=True
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} of the sample day failed")
    first = json.loads(sample.read_text().splitlines()[0])
    return env, first["id"], first["to"][0]


def rows(runs: int, tree: Path, env: dict[str, str], activity: str, person: str) -> list[dict]:
    commands = [
        ("activity-sync --help", ["--help"], "click"),
        ("stats", ["stats"], "audit"),
        ("settings show", ["settings", "show"], "settings"),
        ("explain ACTIVITY", ["explain", activity], "audit"),
        ("timeline EMAIL", ["timeline", person], "org"),
    ]
    out = []
    for label, argv, floor in commands:
        command = [sys.executable, "-c", CLI, *argv]
        seconds, floor_seconds = paired(
            command, [sys.executable, "-c", FLOORS[floor]], runs, tree, env
        )
        out.append(
            {
                "command": label,
                "seconds": seconds,
                "floor": floor,
                "floor_imports": FLOORS[floor],
                "floor_seconds": floor_seconds,
                "ratio": seconds / floor_seconds,
            }
        )
    return out


def probe_row(runs: int, tree: Path, env: dict[str, str]) -> dict:
    """The org setting's read in a fresh process (what every `sync` pays) against GET /limits."""
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=tree, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"the settings read failed: {done.stderr[-400:]}")
        samples.append(json.loads(done.stdout))
    read, light = (statistics.median(s[i] for s in samples) for i in (0, 1))
    return {
        "command": "R17 settings read, new process",
        "seconds": read,
        "floor": "one REST call",
        "floor_imports": "GET /limits on the same connection",
        "floor_seconds": light,
        "ratio": read / light,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose CLI is timed")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    from adapters.local_org.launcher import start_local_org

    tree = options.tree.resolve()
    with (
        tempfile.TemporaryDirectory(prefix="bench-startup-") as folder,
        start_local_org(Path(folder) / "org.db") as org,
    ):
        env, activity, person = prepare(Path(folder), org, tree)
        found = rows(options.runs, tree, env, activity, person)
        found.append(probe_row(options.runs, tree, env))
    if options.json:
        print(json.dumps(found, indent=2))
        return
    load = os.getloadavg()[0]
    print(f"{options.runs} runs each, median wall time; load average {load:.1f}; {options.tree}")
    if options.markdown:
        print("\n| command | median | floor | floor median | ratio |\n|---|---|---|---|---|")
    for row in found:
        figure, floor = f"{row['seconds'] * 1000:.0f} ms", f"{row['floor_seconds'] * 1000:.0f} ms"
        if options.markdown:
            print(
                f"| `{row['command']}` | {figure} | `{row['floor_imports']}` | {floor} | {row['ratio']:.2f}x |"
            )
        else:
            print(
                f"{row['command']:<22} {figure:>8}   floor {floor:>7} ({row['floor']})   {row['ratio']:.2f}x"
            )


if __name__ == "__main__":
    main()
