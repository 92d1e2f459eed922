"""With `--json`, every failure is also one JSON object on stdout (SPEC 4: `--json` for machines).

`{"error": <the sentence>, "code": <the exit code>}`, beside the sentence on stderr, for
every command that takes `--json`, whatever failed: a usage error, a store that is not
there, a bad value, an unknown time zone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from adapters.cli.exits import run, wants_json
from adapters.cli.main import _register, cli

EXECUTABLE = Path(sys.executable).with_name("activity-sync")


def json_commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every command of the CLI that takes --json."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from json_commands(command, (*path, name))
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            yield (*path, name)


_register()
COMMANDS = sorted(json_commands(cli))


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    return subprocess.run(
        [str(EXECUTABLE), *args], capture_output=True, text=True, timeout=60, env=env
    )


def assert_json_error(stdout: str, stderr: str, code: int) -> dict[str, object]:
    document = json.loads(stdout)
    assert set(document) == {"error", "code"} and document["code"] == code
    assert isinstance(document["error"], str) and document["error"]
    assert document["error"] in stderr and "Traceback" not in stderr
    return document


def test_the_cli_has_commands_with_json_to_check() -> None:
    """The sweep below is not empty: the commands SPEC 4 names take --json."""
    names = {" ".join(path) for path in COMMANDS}
    assert {"stats", "explain", "sync", "settings set", "timeline", "drift"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_usage_error_of_any_json_command_is_a_json_object_with_code_2(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """SPEC 4: exit 2 for bad usage; the JSON object names the option click refused."""
    with pytest.raises(SystemExit) as stopped:
        run(cli, args=[*path, "--json", "--no-such-option"], prog_name="activity-sync")
    out, err = capsys.readouterr()
    assert stopped.value.code == 2
    document = assert_json_error(out, err, 2)
    assert "--no-such-option" in str(document["error"])


def test_a_store_that_is_not_there_is_a_json_error_with_code_1(tmp_path: Path) -> None:
    """SPEC 4: a failed operation exits 1; the sentence names the missing store."""
    store = f"sqlite:///{tmp_path / 'missing.db'}"
    done = run_cli(tmp_path, "--store", store, "stats", "--json")
    assert done.returncode == 1
    document = assert_json_error(done.stdout, done.stderr, 1)
    assert "no store at" in str(document["error"])


def test_a_missing_argument_is_a_json_error_with_code_2(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "explain", "--json")
    assert done.returncode == 2
    assert_json_error(done.stdout, done.stderr, 2)


def test_an_unknown_time_zone_is_a_json_error_naming_the_zone(tmp_path: Path) -> None:
    """Bad input exits 2 in one sentence that names the zone given."""
    done = run_cli(tmp_path, "--tz", "Mars/Olympus", "stats", "--json")
    assert done.returncode == 2
    document = assert_json_error(done.stdout, done.stderr, 2)
    assert "Mars/Olympus" in str(document["error"])
    assert len(done.stderr.strip().splitlines()) == 1


def test_settings_set_json_prints_the_change_and_the_new_version(tmp_path: Path) -> None:
    """R16: `settings set --json` gives the change and the settings it made, as promised."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    done = run_cli(tmp_path, "--store", store, "settings", "set", "batch_size", "20", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["changed"] is True
    assert document["change"] == {"key": "batch_size", "old": 50, "new": 20}
    assert document["settings"]["batch_size"] == 20 and document["version"] >= 2

    again = run_cli(tmp_path, "--store", store, "settings", "set", "batch_size", "20", "--json")
    assert json.loads(again.stdout)["changed"] is False


def test_a_bad_setting_value_with_json_is_a_json_error_with_code_2(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    done = run_cli(tmp_path, "--store", store, "settings", "set", "batch_size", "200", "--json")
    assert done.returncode == 2
    document = assert_json_error(done.stdout, done.stderr, 2)
    assert "batch_size" in str(document["error"])


def test_without_json_a_failure_prints_nothing_on_stdout(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "--store", f"sqlite:///{tmp_path / 'x.db'}", "stats")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: no store at")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["stats", "--json"], True),
        (["stats"], False),
        (["rules", "add", "--", "--json"], False),
    ],
)
def test_json_is_asked_for_by_the_flag_before_any_double_dash(
    argv: list[str], expected: bool
) -> None:
    assert wants_json(argv) is expected
