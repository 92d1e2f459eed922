"""Whole-run trials shared by the reliability tests and their long versions in `scripts/`:
`activity-sync sync` killed with SIGKILL at random moments, and runs through injected faults.

Each trial brings its own scene (people, store) into a given local org, and ends by
comparing the org with the store: every planned record exactly once, nothing else.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reliability_support import KEY, Scene, fast_options

from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg
from domain.activity import EmailActivity

CLI = "from adapters.cli.main import main; main()"
ROOT = Path(__file__).resolve().parents[2]


def cli_env(scene: Scene, **extra: str) -> dict[str, str]:
    """The environment a user would set: the org's SALESFORCE_* variables and the store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALESFORCE_", "ACTIVITY_"))}
    env.update(scene.org.environment())
    env["ACTIVITY_SYNC_STORE"] = scene.store_url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env | extra


def start_cli(scene: Scene, *args: str, **extra_env: str) -> subprocess.Popen[bytes]:
    """`activity-sync ARGS` as its own process (its own session, so a kill reaches only it)."""
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=scene.folder,
        env=cli_env(scene, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def run_cli(
    scene: Scene, *args: str, timeout: float = 180.0, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    process = start_cli(scene, *args, **extra_env)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


def mixed_activities(
    scene: Scene, count: int, people: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Sent emails to 1-4 of the scene's people (Contacts, Leads, strangers) and engagements."""
    names = [f"c{n}" for n in range(people)] + ["l0", "l1", "stranger"]
    made = []
    for n in range(count):
        if rng.random() < 0.7:
            made.append(scene.sent(f"e{n}", rng.sample(names, rng.randint(1, 4))))
        else:
            kind = rng.choice(("open", "click", "reply", "bounce", "download"))
            made.append(scene.engaged(f"e{n}", kind, rng.choice(names)))
    return made


def ingest(scene: Scene, activities: list[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
    with scene.opened() as engine:
        report = ingest_stream(engine.app, io.BytesIO(lines), f"trial:{scene.tag}")
    assert report.accepted == len(activities) and not report.rejected, report.to_dict()


@dataclass
class Reconciled:
    """The org against the store, for one scene."""

    activities: int = 0
    settled: int = 0
    pending: int = 0  # activities the queue still holds work for
    failed: int = 0
    planned: int = 0
    in_org: int = 0
    duplicates: int = 0  # sync keys held by more than one Task
    missing: int = 0  # planned, not in the org, not failed for good
    extra: int = 0  # in the org (the scene's people), planned by no activity
    unrecorded: int = 0  # in the org under a planned key the store has not recorded as written

    @property
    def nothing_lost(self) -> bool:
        """No duplicate, nothing extra, and every unsettled activity still pending."""
        return (
            not (self.duplicates or self.extra) and self.settled + self.pending >= self.activities
        )

    @property
    def exact(self) -> bool:
        return self.settled == self.activities and not (
            self.duplicates or self.missing or self.extra or self.failed
        )


def reconcile(scene: Scene, ids: list[str], relations: bool = True) -> Reconciled:
    """Load every activity and the scene's Tasks; count what differs."""
    with scene.opened() as engine:
        stored = [engine.app.activity(i) for i in ids]
        queue = engine.queue()
        queue.catch_up()
        pending = queue.pending_count()
    activities = [a for a in stored if isinstance(a, EmailActivity)]
    planned = {key for a in activities for key in a.batches}
    recorded = {key for a in activities for key in a.written}
    failed = {key for a in activities for key in a.failed}
    org = Counter(t[KEY] for t in scene.org_tasks(relations))
    return Reconciled(
        activities=len(ids),
        settled=sum(a.is_settled for a in activities),
        pending=pending,
        failed=len(failed),
        planned=len(planned),
        in_org=sum(org.values()),
        duplicates=sum(1 for n in org.values() if n > 1),
        missing=len(planned - set(org) - failed),
        extra=len(set(org) - planned),
        unrecorded=len((set(org) & planned) - recorded),
    )


def recorded_writes(scene: Scene) -> int:
    """TaskCreated events in the store (straight from its table: cheap while a run is killed)."""
    with sqlite3.connect(scene.folder / "store.db") as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM stored_events WHERE topic = ?", (EmailActivity.TaskCreated.TOPIC,)
        ).fetchone()
    return int(count)


def wait_for_calls(org: LocalOrg, process: subprocess.Popen[bytes], calls: int) -> None:
    """Until the org counted `calls` more API calls (the run is past its start-up checks)."""
    target = int(org.state()["api_usage"]) + calls
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if int(org.state()["api_usage"]) >= target:
            return
        time.sleep(0.02)


@dataclass
class CrashTrial:
    """One trial: kill `activity-sync sync` `kills` times at random moments once it is
    writing, then restart it until it finishes; compare the org with the store."""

    activities: int = 300
    kills: int = 3
    chunk_size: int = 10
    lease_seconds: float = 1.0
    kill_within: float = 1.5  # seconds after the run's first lookups
    seed: int = 0
    killed_mid_run: int = 0
    finished_before_kill: int = 0
    kills_with_unrecorded_writes: int = 0  # the org held Tasks the store had not recorded
    runs: int = 0
    seconds: float = 0.0
    outcome: Reconciled = field(default_factory=Reconciled)

    def run(self, org: LocalOrg, folder: Path) -> CrashTrial:
        started = time.monotonic()
        rng = random.Random(self.seed)
        scene = Scene(org, folder)
        scene.seed_people(contacts=30, leads=2)
        made = mixed_activities(scene, self.activities, 30, rng)
        ingest(scene, made)
        args = ("sync", "--json", "--chunk-size", str(self.chunk_size))
        args += ("--lease-seconds", str(self.lease_seconds))
        for _ in range(self.kills):
            self._kill_once(scene, args, rng)
        finished = self._finish(scene, args)
        self.outcome = reconcile(scene, [a["id"] for a in made])
        self.seconds = time.monotonic() - started
        assert finished.returncode == 0, finished.stderr[-2000:]
        return self

    def _kill_once(self, scene: Scene, args: tuple[str, ...], rng: random.Random) -> None:
        process = start_cli(scene, *args)
        self.runs += 1
        wait_for_calls(scene.org, process, 4)
        time.sleep(rng.uniform(0, self.kill_within))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            self.killed_mid_run += 1
        else:
            self.finished_before_kill += 1
        process.communicate()
        if len(scene.org_tasks()) > recorded_writes(scene):
            self.kills_with_unrecorded_writes += 1

    def _finish(self, scene: Scene, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
        """Restart until a run ends with nothing pending (it waits out the dead leases)."""
        for _ in range(5):
            self.runs += 1
            done = run_cli(scene, *args)
            if done.returncode != 0 or json.loads(done.stdout.splitlines()[-1])["pending"] == 0:
                return done
        return done

    def figures(self) -> dict[str, Any]:
        return asdict(self)


def doomed_activity(scene: Scene) -> dict[str, Any]:
    """An email about a custom record deleted since (R13): the org refuses its Task for good
    (ENTITY_IS_DELETED on WhatId), whatever is tried."""
    scene.seed({"projects": [{"ref": "gone", "Name": f"Gone {scene.tag}"}]})
    scene.org.salesforce().restful(f"sobjects/Project__c/{scene.ids['gone']}", method="DELETE")
    related = {"object": "Project__c", "id": scene.ids["gone"]}
    return scene.sent("doomed", ["c0"], related_to=related)


@dataclass
class FaultTrial:
    """Activities synced while the org injects `spec` faults; runs repeat until nothing is
    pending; one record is refused for good and must fail alone."""

    spec: str
    activities: int = 40
    chunk_size: int = 5
    max_runs: int = 60
    seed: int = 0
    runs: int = 0
    paused_runs: int = 0
    retries: int = 0
    deferred: int = 0
    seconds: float = 0.0
    doomed_id: str = ""
    doomed_failure: str | None = None
    outcome: Reconciled = field(default_factory=Reconciled)

    def run(self, org: LocalOrg, folder: Path) -> FaultTrial:
        started = time.monotonic()
        scene = Scene(org, folder)
        scene.seed_people(contacts=12, leads=2)
        doomed = doomed_activity(scene)
        self.doomed_id = doomed["id"]
        made = [*mixed_activities(scene, self.activities, 12, random.Random(self.seed)), doomed]
        ingest(scene, made)
        org.set_faults(f"{self.spec},SEED:{self.seed}")
        try:
            self._sync_until_done(scene)
        finally:
            org.set_faults("")
        self.outcome = reconcile(scene, [a["id"] for a in made])
        with scene.opened() as engine:
            found = engine.app.activity(doomed["id"])
        assert found is not None
        self.doomed_failure = ",".join(sorted(found.failed.values())) or None
        self.seconds = time.monotonic() - started
        return self

    def _sync_until_done(self, scene: Scene) -> None:
        with scene.opened() as engine:
            worker = engine.worker(fast_options(chunk_size=self.chunk_size), check=False)
            while self.runs < self.max_runs:
                self.runs += 1
                summary = worker.run()
                self.paused_runs += summary.paused is not None
                self.deferred += summary.records_deferred
                if summary.pending == 0:
                    break
            self.retries = int(engine.gateway().retries)

    def figures(self) -> dict[str, Any]:
        return asdict(self)
