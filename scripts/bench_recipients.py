"""Benchmark "why wasn't it logged": the recipients view's catch-up and the stats it answers.

Builds a store of N synthetic activities as `bench_audit.py` does (the aggregates and the
real planner), each sent email also naming one address no Contact has (unmatched, over 500
domains); catches the task view and the recipients view up from nothing (timed); then
times the recipients part of `stats` (`recipients_document`: outcomes, top unmatched
domains and addresses, per sender), the whole `stats` document, and `export unmatched`.

    .venv/bin/python scripts/bench_recipients.py [--activities 20000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_audit  # noqa: E402

from adapters.store.persistence import open_app  # noqa: E402
from adapters.views import recipient_view  # noqa: E402
from adapters.views.documents import stats_for  # noqa: E402
from adapters.views.exports import export_rows  # noqa: E402
from adapters.views.recipient_queries import recipients_document  # noqa: E402
from adapters.views.task_view import catch_up, view_engine  # noqa: E402
from domain.model import Activity  # noqa: E402

_plain = bench_audit.activity
REPS = [f"rep{n}@ourco.example" for n in range(25)]


def with_prospect(n: int, rng: random.Random, emails: list[str]) -> Activity:
    """The benchmark's activity, from one of 25 reps, a sent one with an unknown prospect too."""
    base = replace(_plain(n, rng, emails), sender=rng.choice(REPS))
    if base.type != "sent":
        return base
    prospect = f"buyer{rng.randrange(5_000)}@prospect{rng.randrange(500)}.example"
    return replace(base, to=(*base.to, prospect))


def timed(action, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, timings: list[float]) -> None:
    print(
        f"{name:<26}: n={len(timings)} median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bench_audit.activity = with_prospect
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-recipients-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'store.db'}"
        app = open_app(url)
        app.change_setting("shared_activities", "on")
        bench_audit.build(app, args.activities, rng)
        engine = view_engine(url)
        tasks = catch_up(app, engine)
        print(
            f"task view catch-up      : {tasks.processed:,} notifications in {tasks.seconds:.1f} s"
        )
        done = recipient_view.catch_up(app, engine)
        print(
            f"recipients view catch-up: {done.processed:,} events (Recorded, RecipientsResolved) in {done.seconds:.1f} s "
            f"({done.rate:,.0f}/s)"
        )
        section = recipients_document(app, engine)
        print(
            f"recipients: {sum(section['recipients'].values()):,} addresses, "
            f"{section['recipients']['unmatched']:,} unmatched, {len(section['senders'])} senders"
        )
        report(
            "stats recipients part", timed(lambda: recipients_document(app, engine), args.repeat)
        )
        report("stats (whole document)", timed(lambda: stats_for(app, engine), args.repeat))
        report(
            "export unmatched (all rows)",
            timed(lambda: sum(1 for _ in export_rows(app, engine, "unmatched")), 3),
        )
        app.close()
        engine.dispose()


if __name__ == "__main__":
    main()
