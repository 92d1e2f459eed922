"""Every command that reads, on a store that cannot be used: one sentence, no traceback (SPEC 4).

A missing store is refused (exit 1) and not created; an unreachable PostgreSQL, a file that
is not a database, a folder given as the store and a folder that does not exist each name
the store and the fix. Passwords never show.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
READERS = [
    ["stats"],
    ["explain", "00T000000000001AAA"],
    ["rejected"],
    ["settings", "show"],
    ["settings", "history"],
    ["replay", "plan", "--no-org"],
    ["timeline", "ana.lee@acme.example"],
    ["drift"],
    ["views", "rebuild"],
    ["export", "unmatched"],
    ["export", "failures", "--csv", "failures.csv"],
]
WRITERS = [
    ["ingest", "-"],
    ["sync"],
    ["settings", "set", "internal_domains", "fernhill.example"],
]


def stores(folder: Path) -> dict[str, str]:
    text = folder / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    return {
        "missing": f"sqlite:///{folder / 'activty-sync.db'}",
        "not a database": f"sqlite:///{text}",
        "a folder": f"sqlite:///{folder}",
        "no such folder": f"sqlite:///{folder / 'nowhere' / 'store.db'}",
        "unreachable postgres": "postgresql://nobody:s3cret-pw@127.0.0.1:25999/db",
    }


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_reading_command_on_an_unusable_store_says_one_sentence_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    for kind, store in stores(tmp_path).items():
        done = subprocess.run(
            [str(EXECUTABLE), "--store", store, *command],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1, (kind, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, (kind, done.stderr)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (kind, done.stderr)
        assert "s3cret-pw" not in done.stderr
    assert not (tmp_path / "activty-sync.db").exists()
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_a_writing_command_on_a_store_that_cannot_open_says_one_sentence(
    tmp_path: Path, command: list[str]
) -> None:
    for kind, store in stores(tmp_path).items():
        if kind == "missing":
            continue  # a writing command creates a new store: that is how one starts
        done = subprocess.run(
            [str(EXECUTABLE), "--store", store, *command],
            input="",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1, (kind, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, (kind, done.stderr)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (kind, done.stderr)
        assert "s3cret-pw" not in done.stderr
    assert not (tmp_path / "nowhere").exists()
