"""Fault trials (issue 7, R25): each injected fault kind, and all together, at rising rates.

For every rate and kind, a scene of its own in one local org: activities plus one record
the org refuses for good (its custom record was deleted), synced while the org injects
the faults, the worker re-run until nothing is pending (as a scheduler would). A rate is
survived when every planned record is in the org exactly once and only the refused one
failed. The gateway retries without sleeping, so the figures are about outcomes, not time.

    .venv/bin/python scripts/fault_trials.py [--rates 0.1,0.2,0.3,0.5] [--activities 60]
        [--seed 1] [--dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reliability"))

from reliability_trials import FaultTrial  # noqa: E402

from adapters.local_org.faults import RATE_KINDS  # noqa: E402
from adapters.local_org.launcher import start_local_org  # noqa: E402

ALL = "all together"


def main() -> int:
    args = _arguments()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="fault-trials-"))
    folder.mkdir(parents=True, exist_ok=True)
    org = start_local_org(folder / "org.db")
    rates = [float(r) for r in args.rates.split(",")]
    survived: dict[str, list[float]] = {}
    started = time.monotonic()
    try:
        for rate in rates:
            for kind in [*RATE_KINDS, ALL]:
                trial = _trial(kind, rate, args).run(org, _fresh(folder / f"{kind}-{rate}"))
                ok = _ok(trial)
                if ok:
                    survived.setdefault(kind, []).append(rate)
                _print_trial(kind, rate, trial, ok)
    finally:
        org.stop()
    seconds = time.monotonic() - started
    print(f"\nrates survived (every record once, only the refused one failed), {seconds:.0f}s:")
    for kind in [*RATE_KINDS, ALL]:
        print(f"  {kind:24s} {', '.join(f'{r:.0%}' for r in survived.get(kind, [])) or 'none'}")
    return 0 if all(survived.get(k) == rates for k in [*RATE_KINDS, ALL]) else 1


def _trial(kind: str, rate: float, args: argparse.Namespace) -> FaultTrial:
    kinds = RATE_KINDS if kind == ALL else (kind,)
    spec = ",".join(f"{k}:{rate}" for k in kinds)
    return FaultTrial(spec, activities=args.activities, seed=args.seed, max_runs=args.max_runs)


def _ok(trial: FaultTrial) -> bool:
    o = trial.outcome
    return (
        trial.runs < trial.max_runs
        and o.settled == o.activities
        and o.duplicates == o.missing == o.extra == 0
        and o.failed == 1
        and trial.doomed_failure == "ENTITY_IS_DELETED"
    )


def _verdict(trial: FaultTrial, ok: bool) -> str:
    if ok:
        return "survived"
    if trial.outcome.nothing_lost:
        return f"unfinished after {trial.runs} runs, nothing lost ({trial.outcome.pending} pending)"
    return "LOST OR DOUBLED"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="0.1,0.2,0.3,0.5")
    parser.add_argument("--activities", type=int, default=60)
    parser.add_argument("--max-runs", type=int, default=200, help="worker runs before giving up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", help="keep the org and stores here")
    return parser.parse_args()


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _print_trial(kind: str, rate: float, trial: FaultTrial, ok: bool) -> None:
    o = trial.outcome
    print(
        f"{kind:24s} {rate:4.0%}: {_verdict(trial, ok)}; {trial.runs} runs "
        f"({trial.paused_runs} paused), {trial.retries} retries, {trial.deferred} deferrals; "
        f"{o.in_org}/{o.planned} records, duplicates {o.duplicates}, missing {o.missing}, "
        f"failed {o.failed} ({trial.doomed_failure}) ({trial.seconds:.1f}s)",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
