"""`activity-sync pause` / `resume`: the switch that holds the sync, as an admin uses it.

A paused store: a plain `sync` says so and exits 1, `sync --force` runs anyway, and
`sync --follow` idles with a message until the sync is resumed. Every flip is an event
naming who made it and when (`pause --json`)."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import IO

from replay_support import EXECUTABLE, new_case, run

from adapters.store.persistence import open_app
from domain.sync_switch import SWITCH_ID, SyncSwitch


def test_a_paused_store_refuses_a_sync_by_hand_and_force_runs_it(
    shared_org, tmp_path: Path
) -> None:
    case = new_case(shared_org, tmp_path, "paused", 2)
    case.email("paused-1", 2)

    paused = run(case, "pause", "--reason", "org migration", "--by", "ana", "--json")
    refused = run(case, "sync", "--json")
    forced = run(case, "sync", "--force", "--json")

    assert paused.returncode == 0, paused.stderr
    state = json.loads(paused.stdout)
    assert state["paused"] is True and state["changed"] is True
    assert state["by"] == "ana" and state["reason"] == "org migration" and state["at"]
    assert refused.returncode == 1 and refused.stdout == ""
    assert "sync is paused" in refused.stderr and "by ana (org migration)" in refused.stderr
    assert "activity-sync resume" in refused.stderr and "Traceback" not in refused.stderr
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["tasks_written"] == 1
    assert len(case.tasks()) == 1
    assert json.loads(run(case, "pause", "--json").stdout)["changed"] is False  # still paused


def test_resume_lets_sync_run_and_every_flip_is_an_event_naming_who(
    shared_org, tmp_path: Path
) -> None:
    case = new_case(shared_org, tmp_path, "resumed", 2)
    case.email("resumed-1", 2)
    run(case, "pause", "--by", "ana")

    resumed = run(case, "resume", "--by", "ben")
    synced = run(case, "sync", "--json")
    again = run(case, "resume")

    assert resumed.returncode == 0 and "sync resumed" in resumed.stdout
    assert synced.returncode == 0, synced.stderr
    assert "was not paused" in again.stdout
    app = open_app(case.store)
    events = list(app.events.get(SWITCH_ID))
    app.close()
    flips = [(type(e).__name__, e.by) for e in events if not isinstance(e, SyncSwitch.Created)]
    assert flips == [("SyncPaused", "ana"), ("SyncResumed", "ben")]


def lines_of(stream: IO[str]) -> queue.Queue[str]:
    """The stream's lines as they come, read by a thread (so a silent process fails the
    test instead of hanging it)."""
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:
            found.put(line)
        found.put("")

    threading.Thread(target=read, daemon=True).start()
    return found


def test_sync_follow_idles_while_paused_and_syncs_once_resumed(shared_org, tmp_path: Path) -> None:
    case = new_case(shared_org, tmp_path, "follow", 2)
    case.email("follow-1", 2)
    run(case, "pause", "--by", "ana")
    follow = subprocess.Popen(
        [str(EXECUTABLE), "sync", "--follow", "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", **case.env()},
    )
    try:
        assert follow.stderr is not None and follow.stdout is not None
        errors, output = lines_of(follow.stderr), lines_of(follow.stdout)
        first = errors.get(timeout=120)
        assert "sync is paused" in first and "waiting" in first
        assert case.tasks() == []  # idle: nothing written while paused
        run(case, "resume", "--by", "ben")
        assert "sync resumed" in errors.get(timeout=120)
        while "Tasks written" not in (line := output.get(timeout=120)):
            assert line, "sync --follow stopped before it synced"
    finally:
        follow.terminate()
        follow.wait(timeout=30)
    assert len(case.tasks()) == 1
