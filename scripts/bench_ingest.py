"""Ingest speed: `activity-sync ingest` against the raw eventsourcing baseline, same store kind.

Run: .venv/bin/python scripts/bench_ingest.py [--activities 100000] [--baseline 10000]
     [--stores sqlite,postgres] [--postgres URL] [--json]

For each store kind: writes a JSON Lines file of N realistic activities, times the real
command (`activity-sync --store URL ingest FILE`, a process of its own, start-up
included), then times the baseline in a process of its own: an eventsourcing
application saving one aggregate of 4 events per `save()` into a fresh store of the
same kind. The baseline's cost is per transaction, flat in N, so it runs on fewer
aggregates by default (`--baseline`). Prints activities/s, the ratio, and peak RSS.
Also imported by scripts/bench.py (`measure_ingest`, `run_measured`, `postgres_schema`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXECUTABLE = Path(sys.executable).with_name("activity-sync")
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TYPES = ("sent",) * 14 + ("open",) * 3 + ("click", "reply", "bounce")


# --- measuring a process ---------------------------------------------------------------


@dataclass
class Measured:
    """One finished process: wall seconds, its own peak resident memory, its output."""

    seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # user + system, of the process and the children it waited for
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        if self.returncode != 0:
            raise SystemExit(f"command failed ({self.returncode}):\n{self.stderr[-3000:]}")
        try:
            return json.loads(self.stdout)  # one document, perhaps indented
        except json.JSONDecodeError:
            return json.loads(self.stdout.strip().splitlines()[-1])  # the last line


def run_measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `command`; its peak RSS is the kernel's high-water mark (VmHWM) of that process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, text=True)
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = peak_kb or usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        return Measured(seconds, peak_kb / 1024, cpu, process.returncode, out.read(), err.read())


def _high_water_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


# --- stores ------------------------------------------------------------------------------


def postgres_reason(server: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None."""
    import psycopg

    try:
        with psycopg.connect(server, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return None


@contextmanager
def postgres_schema(server: str, prefix: str = "bench") -> Iterator[str]:
    """A store URL on a fresh schema of `server`, dropped afterwards."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        yield f"{server}?schema={schema}"
    finally:
        with psycopg.connect(server, connect_timeout=5, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def store_of(kind: str, folder: Path, server: str, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
    else:
        with postgres_schema(server, name) as url:
            yield url


# --- the input -------------------------------------------------------------------------


def generate(path: Path, count: int, seed: int = 7) -> Path:
    """`count` activities as a sales team sends them: mostly emails to 1-6 people, engagements."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(_activity(n, rng)) + "\n")
    return path


def _activity(n: int, rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(TYPES)
    person = lambda: f"p{rng.randint(0, 49_999)}@customer{rng.randint(0, 4_999)}.example"  # noqa: E731
    activity: dict[str, Any] = {
        "id": f"<m{n}.{rng.getrandbits(40):x}@mail.ours.example>/{kind}",
        "type": kind,
        "occurred_at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
        "sender": f"rep{n % 1000}@ours.example",
        "subject": f"Following up on proposal {n}",
    }
    if kind == "sent":
        activity["to"] = [person() for _ in range(rng.randint(1, 4))]
        activity["cc"] = [person() for _ in range(rng.randint(0, 2))]
        activity["body"] = "Hello, as discussed on our call, the proposal is attached. " * 3
        activity["thread_id"] = f"thread-{n // 3}"
    else:
        activity["actor"] = person()
        if kind == "click":
            activity["url"] = f"https://ours.example/pricing?c={n}"
    return activity


# --- the two measurements ----------------------------------------------------------------


@dataclass
class IngestFigures:
    store: str
    activities: int
    ingest_seconds: float
    ingest_per_second: float
    ingest_peak_rss_mb: float
    baseline_aggregates: int
    baseline_seconds: float
    baseline_per_second: float
    baseline_peak_rss_mb: float
    ratio: float


def measure_ingest(
    kind: str, path: Path, activities: int, baseline: int, server: str, folder: Path
) -> IngestFigures:
    """Time the real command and the baseline on fresh stores of one kind."""
    with store_of(kind, folder, server, "ingest") as url:
        command = [str(EXECUTABLE), "--store", url, "ingest", str(path), "--json"]
        ingest = run_measured(command, child_env())
        accepted = ingest.json()["accepted"]
        if accepted != activities:
            raise SystemExit(f"ingest accepted {accepted} of {activities}")
    with store_of(kind, folder, server, "baseline") as url:
        command = [sys.executable, __file__, "baseline", url, str(baseline)]
        measured = run_measured(command, child_env())
        seconds = float(measured.json()["seconds"])
    ingest_rate = activities / ingest.seconds
    baseline_rate = baseline / seconds
    return IngestFigures(
        store=kind,
        activities=activities,
        ingest_seconds=round(ingest.seconds, 2),
        ingest_per_second=round(ingest_rate),
        ingest_peak_rss_mb=round(ingest.peak_rss_mb, 1),
        baseline_aggregates=baseline,
        baseline_seconds=round(seconds, 2),
        baseline_per_second=round(baseline_rate),
        baseline_peak_rss_mb=round(measured.peak_rss_mb, 1),
        ratio=round(ingest_rate / baseline_rate, 2),
    )


def baseline_main(url: str, count: int) -> None:
    """The baseline process: one aggregate of 4 events per save, timed around the saves."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    from adapters.store.persistence import creation_lock, locate

    class BenchEmail(Aggregate):
        @event("Created")
        def __init__(self, message_id: str, subject: str) -> None:
            self.message_id, self.subject = message_id, subject

        @event("RecipientsResolved")
        def resolve(self, recipients: list[str]) -> None:
            self.recipients = recipients

        @event("BatchFormed")
        def form_batch(self, batch_id: str) -> None:
            self.batch_id = batch_id

        @event("TaskCreated")
        def create_task(self, task_id: str) -> None:
            self.task_id = task_id

    class IngestBaseline(Application[Any]):
        pass

    location = locate(url)
    if location.kind == "postgres":
        with creation_lock(location):
            app = IngestBaseline(env=location.env)
    else:
        app = IngestBaseline(env=location.env)
    started = time.perf_counter()
    for n in range(count):
        email = BenchEmail(message_id=f"<msg-{n}@example.com>", subject=f"Subject {n}")
        email.resolve([f"r{n}@example.com", "x@example.com"])
        email.form_batch(f"batch-{n // 200}")
        email.create_task(f"00T{n:015d}")
        app.save(email)
    seconds = time.perf_counter() - started
    app.close()
    print(json.dumps({"aggregates": count, "seconds": seconds}))


# --- the script --------------------------------------------------------------------------


def kinds(wanted: str, server: str) -> list[str]:
    chosen = [k.strip() for k in wanted.split(",") if k.strip()]
    if "postgres" in chosen and (reason := postgres_reason(server)):
        print(f"PostgreSQL skipped: {reason}", file=sys.stderr)
        chosen.remove("postgres")
    return chosen


def print_table(figures: list[IngestFigures]) -> None:
    print(f"{'store':<9}{'ingest act/s':>14}{'baseline agg/s':>16}{'ratio':>8}{'ingest RSS':>12}")
    for f in figures:
        print(
            f"{f.store:<9}{f.ingest_per_second:>14,}{f.baseline_per_second:>16,}"
            f"{f.ratio:>7.1f}x{f.ingest_peak_rss_mb:>9.0f} MB"
        )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "baseline":
        baseline_main(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000, help="aggregates, one per save")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as name:
        folder = Path(name)
        path = generate(folder / "activities.jsonl", args.activities)
        figures = [
            measure_ingest(kind, path, args.activities, args.baseline, args.postgres, folder)
            for kind in kinds(args.stores, args.postgres)
        ]
    if args.json:
        print(json.dumps([asdict(f) for f in figures], indent=2))
    else:
        print_table(figures)


if __name__ == "__main__":
    main()
