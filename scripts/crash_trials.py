"""Crash trials (issue 7, R20): `activity-sync sync` SIGKILLed at random moments, many times.

Each trial seeds its own people in one local org (with latency, so kills often land while
a write is in flight), ingests a few hundred activities, starts `activity-sync sync`,
kills it with SIGKILL at a random moment once it is writing, `--kills` times, restarts it
until it finishes, and compares the org with the store: duplicates, missing and extra
Tasks must all be zero.

    .venv/bin/python scripts/crash_trials.py --trials 20 [--activities 300] [--kills 3]
        [--latency-ms 30] [--chunk-size 10] [--seed 1] [--dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reliability"))

from reliability_trials import CrashTrial  # noqa: E402

from adapters.local_org.launcher import start_local_org  # noqa: E402


def main() -> int:
    args = _arguments()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="crash-trials-"))
    folder.mkdir(parents=True, exist_ok=True)
    org = start_local_org(folder / "org.db", faults=f"LATENCY_MS:{args.latency_ms}")
    started, trials = time.monotonic(), []
    try:
        for n in range(args.trials):
            trial = CrashTrial(
                activities=args.activities,
                kills=args.kills,
                chunk_size=args.chunk_size,
                seed=args.seed + n,
            )
            trials.append(trial.run(org, _fresh(folder / f"trial{n}")))
            _print_trial(n + 1, trial)
    finally:
        org.stop()
    return _print_totals(trials, time.monotonic() - started)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--activities", type=int, default=300)
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs per trial")
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--chunk-size", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", help="keep the org, stores and logs here")
    return parser.parse_args()


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _print_trial(number: int, trial: CrashTrial) -> None:
    o = trial.outcome
    print(
        f"trial {number:3d} (seed {trial.seed}): {trial.killed_mid_run}/{trial.kills} kills "
        f"mid-run, {trial.kills_with_unrecorded_writes} left writes unrecorded, "
        f"{trial.runs} runs; {o.planned} planned, {o.in_org} in the org, "
        f"duplicates {o.duplicates}, missing {o.missing}, extra {o.extra}, "
        f"settled {o.settled}/{o.activities} ({trial.seconds:.1f}s)",
        flush=True,
    )


def _print_totals(trials: list[CrashTrial], seconds: float) -> int:
    kills = sum(t.killed_mid_run for t in trials)
    window = sum(t.kills_with_unrecorded_writes for t in trials)
    bad = [t for t in trials if not t.outcome.exact]
    records = sum(t.outcome.planned for t in trials)
    print(
        f"\n{len(trials)} trials, {sum(t.activities for t in trials)} activities, "
        f"{records} planned records; {kills} SIGKILLs mid-run, {window} of them with writes "
        f"in the org not yet recorded; duplicates "
        f"{sum(t.outcome.duplicates for t in trials)}, missing "
        f"{sum(t.outcome.missing for t in trials)}, extra {sum(t.outcome.extra for t in trials)}; "
        f"{len(trials) - len(bad)}/{len(trials)} trials exact ({seconds:.0f}s)"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
