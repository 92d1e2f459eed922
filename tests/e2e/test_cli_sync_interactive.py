"""`activity-sync sync` as a person runs it in a terminal: Ctrl-C, and `--follow` (R20).

Ctrl-C stops with exit 130 and says what is left, never a traceback; what was in flight
is written and recorded, the rest stays queued and a second sync finishes it without a
duplicate. `--follow` prints one timestamped line per round that did something.
"""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from replay_support import EXECUTABLE, Case, new_case

from adapters.bootstrap import build
from adapters.local_org.launcher import start_local_org
from domain.model import Activity

LEFT = re.compile(
    r"^interrupted: ([\d,]+) activities still pending; run `activity-sync sync` to go on$",
    re.MULTILINE,
)
ROUND = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)  synced (\d+) activit(?:y|ies), "
    r"(\d+) Tasks? written, \d+ API calls?$"
)
ZONE = "Asia/Kolkata"  # +05:30 all year: a line in the wrong zone is hours off


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    org = start_local_org(tmp_path / "org.db")
    try:
        yield new_case(org, tmp_path, "ctrlc", 20)
    finally:
        org.stop()


def record(case: Case, first: int, count: int) -> None:
    """`count` emails, each to one of the case's contacts: one Task each."""
    engine = build(case.store, case.org.instance_url, env=case.org.environment())
    emails = [
        Activity(
            f"ctrlc-{i}",
            "sent",
            "2026-11-02T09:00:00Z",
            "rep@ourco.example",
            (f"ctrlc{i % 20}@acme.example",),
            subject=f"note {i}",
        )
        for i in range(first, first + count)
    ]
    engine.app.record_activities([(email, "test") for email in emails])
    engine.close()


def start(case: Case, *args: str) -> subprocess.Popen[str]:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "ACTIVITY_SYNC_TZ": ZONE, **case.env()}
    return subprocess.Popen(
        [str(EXECUTABLE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def task_keys(case: Case) -> list[str]:
    rows = case.org.salesforce().query_all("SELECT Activity_Sync_Key__c FROM Task")["records"]
    return [row["Activity_Sync_Key__c"] for row in rows]


def test_ctrl_c_during_sync_exits_130_saying_what_is_left_and_a_second_sync_finishes_it(
    case: Case,
) -> None:
    """R20: interrupted mid-run against a slow org, nothing is lost and nothing doubled."""
    record(case, 0, 300)
    case.org.set_faults("LATENCY_MS:300")  # slow enough that the run is still going
    syncing = start(case, "sync", "--chunk-size", "20")
    sf = case.org.salesforce()
    while sf.query("SELECT COUNT() FROM Task")["totalSize"] == 0:
        assert syncing.poll() is None, syncing.communicate()
    syncing.send_signal(signal.SIGINT)
    out, err = syncing.communicate(timeout=120)

    assert syncing.returncode == 130, err
    assert "Traceback" not in err
    left = LEFT.search(err)
    assert left, err
    pending = int(left.group(1).replace(",", ""))
    written = len(task_keys(case))
    assert 0 < pending < 300 and written == 300 - pending  # each settled email has its Task

    case.org.set_faults("")
    again = start(case, "sync", "--json")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    summary = json.loads(out)
    assert summary["tasks_written"] == pending and summary["pending"] == 0
    keys = task_keys(case)
    assert len(keys) == 300 and len(set(keys)) == 300


def lines_of(stream: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """The process's stdout lines as they come; None once it is closed."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert stream.stdout is not None
        for line in stream.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def interrupt(
    stream: subprocess.Popen[str], lines: queue.Queue[str | None]
) -> tuple[list[str | None], str]:
    """Ctrl-C; the stdout lines printed after what was already read, and all of stderr."""
    stream.send_signal(signal.SIGINT)
    stream.wait(timeout=60)
    rest = list(iter(lambda: lines.get(timeout=10), None))
    assert stream.stderr is not None
    return rest, stream.stderr.read()


def test_sync_follow_prints_one_timestamped_line_per_busy_round_and_nothing_when_idle(
    case: Case,
) -> None:
    """A line per round that synced something, in the chosen zone; idle rounds are silent;
    Ctrl-C while idle exits 130 with nothing pending."""
    record(case, 0, 30)
    following = start(case, "sync", "--follow", "--interval", "0.2")
    lines = lines_of(following)
    first = ROUND.match(lines.get(timeout=60))
    assert first and first.group(2) == "30" and first.group(3) == "30"
    shown = datetime.strptime(first.group(1), "%Y-%m-%d %H:%M:%S")
    now_there = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)
    assert abs(now_there - shown) < timedelta(minutes=30)

    record(case, 30, 5)
    second = ROUND.match(lines.get(timeout=60))
    assert second and second.group(2) == "5" and second.group(3) == "5"
    assert sorted(task_keys(case)) == sorted(set(task_keys(case))) and len(task_keys(case)) == 35

    rest, err = interrupt(following, lines)
    assert following.returncode == 130 and "Traceback" not in err
    assert "interrupted: nothing is pending" in err
    assert rest == []  # the idle rounds between and after printed nothing


def test_ctrl_c_with_json_is_a_json_object_with_code_130(case: Case) -> None:
    """SPEC 4: a machine reading --json gets the interruption as JSON too."""
    following = start(case, "sync", "--follow", "--json", "--interval", "0.2")
    lines = lines_of(following)
    record(case, 0, 3)
    assert json.loads(lines.get(timeout=60))["tasks_written"] == 3
    rest, err = interrupt(following, lines)
    assert following.returncode == 130
    assert [json.loads(line) for line in rest] == [
        {"error": "interrupted: nothing is pending", "code": 130}
    ]
    assert "interrupted: nothing is pending" in err
