"""`activity-sync demo` as a user runs it: local org, sample, sync, the table and one story.

The demo runs once per module (a subprocess of the installed command) in an 80-column
terminal; its store then answers `explain` and `stats` like any other store.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
WRITTEN = re.compile(r"What was written: (\d+) Tasks, (\d+) Events")
EXPLAINED = re.compile(r"Why does Task (00T\w{15}) look like this\?")


@dataclass
class DemoRun:
    folder: Path
    result: subprocess.CompletedProcess[str]

    @property
    def store(self) -> str:
        return f"sqlite:///{self.folder / 'store.db'}"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _run([str(EXECUTABLE), "--store", self.store, *args])

    def json(self, *args: str) -> Any:
        done = self.cli(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


COLUMNS = 80
RECORD_ID = re.compile(r"(?<![A-Za-z0-9])00[TU][A-Za-z0-9]{15}(?![A-Za-z0-9])")
ID_LIKE = re.compile(r"(?<![A-Za-z0-9_])(?:00T|00U|001|003|006|00Q|005)[A-Za-z0-9]*")


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": str(COLUMNS), "HOME": "/tmp", "LANG": "C.UTF-8"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    folder = tmp_path_factory.mktemp("demo")
    return DemoRun(folder, _run([str(EXECUTABLE), "demo", "--dir", str(folder)]))


def test_the_demo_exits_zero_and_prints_what_it_wrote_and_one_explained_shared_task(
    demo: DemoRun,
) -> None:
    """R7, R8, R21: the table of written records and the story of one shared Task."""
    out = demo.result.stdout
    assert demo.result.returncode == 0, demo.result.stderr[-2000:]
    written = WRITTEN.search(out)
    assert written and int(written.group(1)) > 0 and int(written.group(2)) > 0
    assert "Sent (New): " in out and "Meeting: " in out
    assert "duplicates avoided" in out
    assert EXPLAINED.search(out)
    assert "Batch 1 of 2: 50 contacts" in out  # the 60-recipient email (R7)
    assert "secondary contacts were related in the same call (TaskWhoIds)" in out
    assert (demo.folder / "org.db").exists() and (demo.folder / "store.db").exists()


def test_the_demo_store_explains_the_task_the_demo_explained(demo: DemoRun) -> None:
    """R21: `explain TASK_ID` on the demo's store tells the same Task's story."""
    found = EXPLAINED.search(demo.result.stdout)
    assert found, demo.result.stdout[-2000:]
    task_id = found.group(1)
    document = demo.json("explain", task_id)
    assert document["query"] == {"id": task_id, "matched": "salesforce_id"}
    assert document["activity"]["type"] == "sent" and document["activity"]["status"] == "synced"
    (task,) = [t for t in document["tasks"] if t["salesforce_id"] == task_id]
    assert task["member_count"] == 50 and task["batch"]["count"] == 2
    human = demo.cli("explain", task_id)
    assert human.returncode == 0 and task_id in human.stdout


def test_the_demo_store_answers_stats_consistent_with_what_the_demo_printed(
    demo: DemoRun,
) -> None:
    """R23: stats counts the Tasks and Events the demo wrote, what sharing avoided, the
    rejected line, and no failure."""
    written = WRITTEN.search(demo.result.stdout)
    assert written, demo.result.stdout[-2000:]
    stats = demo.json("stats")
    assert stats["written"]["tasks"] == int(written.group(1))
    assert stats["written"]["events"] == int(written.group(2))
    assert stats["written"]["shared_tasks"] > 0 and stats["avoided_by_sharing"]["tasks"] > 0
    assert stats["failures"]["records_failed"] == 0
    assert stats["rejected_lines"] == 1  # the sample's one malformed line, kept
    assert stats["activities"]["by_outcome"]["pending"] == 0
    human = demo.cli("stats")
    assert human.returncode == 0 and "Avoided by sharing" in human.stdout


def test_the_demo_fits_80_columns_and_lists_every_record_by_its_whole_id(demo: DemoRun) -> None:
    """R21: at 80 columns no line is cut and no id is split; the table's first column holds
    the Id of each Task and Event written, which `explain` then takes as it is."""
    out = demo.result.stdout
    lines = out.splitlines()
    assert not [line for line in lines if len(line) > COLUMNS]
    assert [m for m in ID_LIKE.findall(out) if len(m) != 18] == []
    header = next(line for line in lines if "Subject" in line)
    assert "Task/Event Id" in header and "Contacts" in header and "…" not in out
    written = WRITTEN.search(out)
    assert written, out[-2000:]
    rows = [line for line in lines if line.startswith("│ ") and RECORD_ID.search(line)]
    listed = {RECORD_ID.search(row).group(0) for row in rows}  # type: ignore[union-attr]
    assert len(listed) == int(written.group(1)) + int(written.group(2))
    event_id = sorted(i for i in listed if i.startswith("00U"))[0]
    assert demo.json("explain", event_id)["tasks"][0]["salesforce_id"] == event_id
