"""`activity-sync ingest` and `rejected` as a user runs them (SPEC section 2, R20; exit codes).

Exit codes and stdin go through the installed command in a subprocess; the rest runs the
same entry point (`adapters.cli.main:main`) in-process, which keeps the suite quick.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli.main import main

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample-activities.jsonl"
GOOD = {
    "type": "sent",
    "occurred_at": "2026-11-26T10:00:00+01:00",
    "sender": "ann@ourco.example",
    "to": ["bob@alpha.example"],
}


def good(activity_id: str) -> str:
    return json.dumps({"id": activity_id, **GOOD})


class Cli:
    """Runs the command on one SQLite store, in a scratch directory."""

    def __init__(self, directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.directory = directory
        self.store = f"sqlite:///{directory / 'store.db'}"
        self.capsys = capsys

    def __call__(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
        """The installed executable in a subprocess."""
        return subprocess.run(
            [str(EXECUTABLE), "--store", self.store, *args],
            input=stdin,
            capture_output=True,
            cwd=self.directory,
            timeout=60,
        )

    def here(self, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
        """The same entry point in this process: (exit code, stdout, stderr)."""
        self.capsys.readouterr()
        argv, sys_stdin = sys.argv, sys.stdin
        sys.argv = ["activity-sync", "--store", self.store, *args]
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
        try:
            with pytest.raises(SystemExit) as exited:
                main()
        finally:
            sys.argv, sys.stdin = argv, sys_stdin
        captured = self.capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    def write(self, name: str, *lines: str) -> Path:
        path = self.directory / name
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return path


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, capsys)


def test_a_file_of_good_lines_exits_0_and_re_ingesting_reports_duplicates(cli: Cli) -> None:
    """R20: the second run records nothing and says so; duplicates count as accepted lines."""
    path = cli.write("week.jsonl", good("m1"), "", good("m2"), good("m1"))
    first = cli.here("ingest", str(path), "--json")
    second = cli.here("ingest", str(path))
    assert first[0] == 0, first
    assert json.loads(first[1]) == {"accepted": 2, "duplicates": 1, "rejected": []}
    assert second[0] == 0, second
    assert "0 accepted, 3 duplicates (already recorded), 0 rejected" in second[1]


def test_a_bad_line_exits_2_names_line_and_field_and_the_rest_is_recorded(cli: Cli) -> None:
    """SPEC section 2: one bad line does not stop the file; the message names line and field."""
    naive = json.dumps({"id": "m2", **GOOD, "occurred_at": "2026-11-26T10:00:00"})
    path = cli.write("mixed.jsonl", good("m1"), naive, "{not json", good("m3"))
    result = cli("ingest", str(path))
    out = result.stdout.decode()
    assert result.returncode == 2
    assert "2 accepted" in out and "2 rejected" in out
    assert "line 2, field occurred_at: timestamp needs an offset or Z" in out
    assert "line 3: not valid JSON" in out


def test_stdin_is_read_with_a_dash_and_json_lists_each_rejection(cli: Cli) -> None:
    stdin = (good("s1") + "\n" + json.dumps({"id": "s2", **GOOD, "type": "fax"}) + "\n").encode()
    result = cli("ingest", "-", "--json", stdin=stdin)
    assert result.returncode == 2, result.stderr
    document = json.loads(result.stdout)
    assert (document["accepted"], document["duplicates"]) == (1, 0)
    (rejection,) = document["rejected"]
    assert (rejection["line"], rejection["field"]) == (2, "type")
    assert rejection["reason"].startswith("unknown type 'fax'")


def test_a_missing_file_exits_2_with_a_clear_message(cli: Cli) -> None:
    result = cli("ingest", "nowhere.jsonl")
    assert result.returncode == 2
    assert "no such file: nowhere.jsonl" in result.stderr.decode()
    assert not (cli.directory / "store.db").exists()


def test_rejected_lists_kept_lines_newest_run_first(cli: Cli) -> None:
    """Bad input is kept, never silently dropped, and listed with its raw text."""
    cli.here("ingest", str(cli.write("old.jsonl", "old junk")))
    cli.here("ingest", "-", stdin=b'{"id": "x", "type": "sent"}\n\xff not utf-8\n')
    document = json.loads(cli.here("rejected", "--json")[1])
    assert document["total"] == 3
    assert [(r["source"], r["line"], r["field"]) for r in document["rejected"]] == [
        ("stdin", 1, "occurred_at"),
        ("stdin", 2, None),
        ("file:" + str(cli.directory / "old.jsonl"), 1, None),
    ]
    assert document["rejected"][1]["raw"] == "\ufffd not utf-8"
    assert "replacement characters" in document["rejected"][1]["reason"]
    code, out, _ = cli.here("rejected", "--limit", "1")
    assert code == 0
    assert "3 lines kept, newest 1 shown" in out
    assert "stdin" in out and "old junk" not in out


def test_the_bundled_sample_is_accepted_whole(cli: Cli) -> None:
    code, out, err = cli.here("ingest", str(SAMPLE), "--json")
    assert code == 0, (out, err)
    document = json.loads(out)
    assert document["rejected"] == [] and document["accepted"] >= 15


def test_an_id_delivered_again_with_other_content_is_kept_as_rejected_input(cli: Cli) -> None:
    """R20: not silently dropped as a duplicate: rejected with `conflicting_duplicate` and the
    fields that differ, listed by `rejected`, `ingest --json` and the activity's explain.
    Surrounding white space in an id is not a difference."""
    first = cli.write("first.jsonl", good("m1"))
    changed = json.dumps({"id": " m1 ", **GOOD, "subject": "Other subject"})
    again = cli.write("again.jsonl", changed, good("m1"))
    assert cli.here("ingest", str(first))[0] == 0

    code, out, _ = cli.here("ingest", str(again), "--json")

    report = json.loads(out)
    assert code == 2 and report["accepted"] == 0 and report["duplicates"] == 1
    (rejection,) = report["rejected"]
    assert rejection["line"] == 1 and rejection["field"] == "subject"
    assert rejection["reason"].startswith("conflicting_duplicate")
    kept = json.loads(cli.here("rejected", "--json")[1])["rejected"]
    assert [(k["line"], k["field"]) for k in kept] == [(1, "subject")]
    story = json.loads(cli.here("explain", "m1", "--json")[1])
    assert [(d["line"], d["fields"]) for d in story["conflicting_duplicates"]] == [(1, ["subject"])]
