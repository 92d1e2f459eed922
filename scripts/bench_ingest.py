"""Ingest speed: `activity-sync ingest` against the raw eventsourcing library doing the same work.

Run: .venv/bin/python scripts/bench_ingest.py [--activities 20000] [--chunk 1000]
     [--stores sqlite,postgres] [--postgres URL] [--json]

The floor is the library on its own with the same batching: each JSON line parsed, one
aggregate per activity carrying the same payload under the same deterministic id, the
same transcoder, 1,000 aggregates per save (ingest's default `--chunk`). Two comparisons
from the same run, each side in a fresh process on a fresh store of the same kind:
- in-process: timed from the first line read to the last save; start-up (interpreter,
  imports, opening the store) counted on neither side;
- whole commands: `activity-sync --store URL ingest FILE` and the raw side as a script,
  each timed from exec to exit; start-up counted on both sides.
The sides take turns (`--repeat`, 3) and each keeps its best time: the machine is shared.
Ratios are ingest's rate over the floor's. Peak RSS is the command's whole process tree.
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
    """One finished process: wall seconds, the peak memory of its process tree, its output."""

    seconds: float
    peak_rss_mb: float  # the largest sum of resident memory over the process and its children
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
    """Run `command`; peak RSS is the most its whole process tree held at once (sampled every
    50 ms from /proc: the process and every descendant, e.g. replay's worker processes)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, text=True)
        peak_kb = own_peak = 0
        while True:
            peak_kb = max(peak_kb, tree_rss_kb(process.pid))
            own_peak = max(own_peak, _status_kb(process.pid, "VmHWM:"))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = max(peak_kb, own_peak) or usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        return Measured(seconds, peak_kb / 1024, cpu, process.returncode, out.read(), err.read())


def tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants now, in kB (0 once it has gone)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(_status_kb(pid, "VmRSS:") for pid in tree)


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key):
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
        path = folder / f"{name}-{uuid.uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob(f"{path.name}*"):  # with -wal, -shm
                leftover.unlink()
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


# --- the two sides ------------------------------------------------------------------------


@dataclass
class IngestFigures:
    store: str
    activities: int
    chunk: int  # activities per save, on both sides
    # In-process: each side in a fresh process, timed from its first line read to its last
    # save; start-up (interpreter, imports, opening the store) counted on neither side.
    ingest_seconds: float
    raw_seconds: float
    ingest_per_second: float
    raw_per_second: float
    ratio: float
    # Whole commands: each side's process timed from exec to exit; start-up on both sides.
    command_seconds: float
    raw_command_seconds: float
    command_per_second: float
    raw_command_per_second: float
    command_ratio: float
    ingest_peak_rss_mb: float  # the whole command's process tree
    raw_peak_rss_mb: float


def measure_ingest(
    kind: str,
    path: Path,
    activities: int,
    server: str,
    folder: Path,
    chunk: int = 1000,
    repeat: int = 3,
) -> IngestFigures:
    """Both sides on fresh stores of one kind, in-process and as whole commands; the sides
    take turns `repeat` times and each keeps its best time (the machine is shared)."""
    here = [sys.executable, __file__]
    timed: dict[str, float] = {}
    whole: dict[str, Measured] = {}
    for _ in range(repeat):
        for side in ("ingest", "raw"):
            with store_of(kind, folder, server, f"in_{side}") as url:
                command = [*here, "inprocess", side, url, str(path), str(chunk)]
                seconds = float(run_measured(command, child_env()).json()["seconds"])
            timed[side] = min(seconds, timed.get(side, seconds))
        for side in ("ingest", "raw"):
            with store_of(kind, folder, server, f"cmd_{side}") as url:
                if side == "ingest":
                    command = [str(EXECUTABLE), "--store", url, "ingest", str(path), "--json"]
                    command += ["--chunk", str(chunk)]
                else:
                    command = [*here, "command", "raw", url, str(path), str(chunk)]
                run = run_measured(command, child_env())
                accepted = run.json()["accepted" if side == "ingest" else "activities"]
                if accepted != activities:
                    raise SystemExit(f"{side} recorded {accepted} of {activities}")
            if side not in whole or run.seconds < whole[side].seconds:
                whole[side] = run
    ingest, raw = whole["ingest"], whole["raw"]
    return IngestFigures(
        store=kind,
        activities=activities,
        chunk=chunk,
        ingest_seconds=round(timed["ingest"], 2),
        raw_seconds=round(timed["raw"], 2),
        ingest_per_second=round(activities / timed["ingest"]),
        raw_per_second=round(activities / timed["raw"]),
        ratio=round(timed["raw"] / timed["ingest"], 2),
        command_seconds=round(ingest.seconds, 2),
        raw_command_seconds=round(raw.seconds, 2),
        command_per_second=round(activities / ingest.seconds),
        raw_command_per_second=round(activities / raw.seconds),
        command_ratio=round(raw.seconds / ingest.seconds, 2),
        ingest_peak_rss_mb=round(ingest.peak_rss_mb, 1),
        raw_peak_rss_mb=round(raw.peak_rss_mb, 1),
    )


def raw_env(url: str) -> dict[str, str]:
    """The eventsourcing environment for `url`, with the store's own transcoder (orjson),
    parsed here so the raw side imports nothing of the engine but that transcoder."""
    from urllib.parse import parse_qs, urlsplit

    topic = {"TRANSCODER_TOPIC": "adapters.store.transcoder:OrjsonTranscoder"}
    if url.startswith("sqlite:///"):
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": url[10:], **topic}
    parts = urlsplit(url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        **topic,
    }
    schema = (parse_qs(parts.query).get("schema") or [""])[0]
    if schema:
        env["POSTGRES_SCHEMA"] = schema
        import psycopg

        with psycopg.connect(server_of(url), autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    return env


def server_of(url: str) -> str:
    return url.split("?", 1)[0]


def raw_side(url: str, path: Path, chunk: int) -> tuple[float, int]:
    """The library on its own doing the same work: each line parsed (orjson), one aggregate
    per activity holding the same payload under the same deterministic id, `chunk`
    aggregates per save. Returns (seconds from the first line to the last save, count)."""
    import orjson
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate

    class RawActivity(Aggregate):
        class Recorded(Aggregate.Created):
            activity: dict[str, Any]
            source: str

        @classmethod
        def record(cls, activity: dict[str, Any], source: str) -> RawActivity:
            aggregate_id = uuid.uuid5(uuid.NAMESPACE_URL, f"activity-sync:{activity['id']}")
            return cls._create(cls.Recorded, id=aggregate_id, activity=activity, source=source)

    app = Application[Any](env=raw_env(url))
    started = time.perf_counter()
    count, pending = 0, []
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            pending.append(RawActivity.record(orjson.loads(line), f"file:{number}"))
            if len(pending) >= chunk:
                app.save(*pending)
                count, pending = count + len(pending), []
    if pending:
        app.save(*pending)
        count += len(pending)
    seconds = time.perf_counter() - started
    app.close()
    return seconds, count


def ingest_side(url: str, path: Path, chunk: int) -> tuple[float, int]:
    """`ingest_stream` as the command runs it, on a store opened beforehand."""
    from adapters.input.ingest import ingest_stream
    from adapters.store.persistence import open_app

    app = open_app(url)
    started = time.perf_counter()
    with path.open("rb") as stream:
        report = ingest_stream(app, stream, f"file:{path.name}", chunk)
    seconds = time.perf_counter() - started
    app.close()
    return seconds, report.accepted


def child_main(mode: str, side: str, url: str, path: str, chunk: str) -> None:
    """A side in a process of its own: `inprocess` prints its timed part, `command` is timed
    whole by the parent."""
    sides = {"raw": raw_side, "ingest": ingest_side}
    seconds, count = sides[side](url, Path(path), int(chunk))
    print(json.dumps({"side": side, "mode": mode, "activities": count, "seconds": seconds}))


# --- the script --------------------------------------------------------------------------


def kinds(wanted: str, server: str) -> list[str]:
    chosen = [k.strip() for k in wanted.split(",") if k.strip()]
    if "postgres" in chosen and (reason := postgres_reason(server)):
        print(f"PostgreSQL skipped: {reason}", file=sys.stderr)
        chosen.remove("postgres")
    return chosen


def print_table(figures: list[IngestFigures]) -> None:
    print(
        f"{'store':<9}{'in-process act/s':>18}{'raw floor':>11}{'ratio':>7}"
        f"{'command act/s':>15}{'raw command':>13}{'ratio':>7}{'RSS (tree)':>12}"
    )
    for f in figures:
        print(
            f"{f.store:<9}{f.ingest_per_second:>18,}{f.raw_per_second:>11,}{f.ratio:>6.2f}x"
            f"{f.command_per_second:>15,}{f.raw_command_per_second:>13,}{f.command_ratio:>6.2f}x"
            f"{f.ingest_peak_rss_mb:>9.0f} MB"
        )


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] in ("inprocess", "command"):
        child_main(*sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=1000, help="activities per save, both sides")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument("--repeat", type=int, default=3, help="turns per side; best time kept")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as name:
        folder = Path(name)
        path = generate(folder / "activities.jsonl", args.activities)
        figures = [
            measure_ingest(
                kind, path, args.activities, args.postgres, folder, args.chunk, args.repeat
            )
            for kind in kinds(args.stores, args.postgres)
        ]
    if args.json:
        print(json.dumps([asdict(f) for f in figures], indent=2))
    else:
        print_table(figures)


if __name__ == "__main__":
    main()
