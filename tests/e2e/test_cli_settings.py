"""`activity-sync settings show|set|history` as an admin runs them (R16, R17; exit codes).

One test drives the installed command in a subprocess; the others run the same entry
point (`adapters.cli.main:main`) in-process, which keeps the suite quick.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.cli.main import main
from adapters.store.persistence import open_app

EXECUTABLE = Path(sys.executable).with_name("activity-sync")


class Settings:
    """`activity-sync --store <tmp> settings ...`, in-process, returning (code, stdout, stderr)."""

    def __init__(self, store: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.store = store
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        argv = sys.argv
        sys.argv = ["activity-sync", "--store", self.store, "settings", *args]
        try:
            with pytest.raises(SystemExit) as exited:
                main()
        finally:
            sys.argv = argv
        captured = self.capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def settings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Settings:
    """A store made as a user makes one: by a first ingest (here of nothing)."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    open_app(store).close()
    return Settings(store, capsys)


def test_showing_the_settings_of_a_store_that_does_not_exist_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped store is refused in one sentence (exit 1), never made empty."""
    missing = tmp_path / "activty-sync.db"
    for command in ("show", "history"):
        code, out, err = Settings(f"sqlite:///{missing}", capsys)(command)
        assert code == 1 and out == "" and "no store at" in err and "Traceback" not in err
    assert not missing.exists()


def test_the_installed_command_sets_a_value_and_refuses_a_bad_key_with_exit_2(
    settings: Settings,
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(EXECUTABLE), "--store", settings.store, "settings", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    changed = run("set", "opportunity_mode", "contact_role")
    refused = run("set", "batch_sise", "10")
    assert changed.returncode == 0, changed.stderr
    assert (
        changed.stdout.strip() == "opportunity_mode: account -> contact_role (settings version 2)"
    )
    assert refused.returncode == 2
    assert "unknown setting 'batch_sise'; did you mean 'batch_size'?" in refused.stderr


def test_a_fresh_store_shows_the_defaults(settings: Settings) -> None:
    """R16/R17 defaults: shared activities auto, org state unknown, so not in effect."""
    document = settings.json("show")
    assert document["settings"] == document["defaults"]
    assert document["settings"]["shared_activities"] == "auto"
    assert document["settings"]["batch_size"] == 50
    assert document["shared_activities_in_effect"] is False
    assert document["org_shared_activities"] is None
    assert settings("history")[1].startswith("No settings changes yet")


def test_set_prints_old_and_new_and_history_keeps_every_version(settings: Settings) -> None:
    """R16: each change is a new settings version, with who changed it."""
    first = settings("set", "batch_size", "10", "--by", "admin@ourco.example")
    again = settings("set", "batch-size", "10")
    listed = settings("set", "excluded", "partner.example, Bob@Alpha.example")
    assert first == (0, "batch_size: 50 -> 10 (settings version 2)\n", "")
    assert "already 10; nothing changed (settings version 2)" in again[1]
    assert (
        "excluded: (none) -> partner.example,bob@alpha.example (settings version 3)" in (listed[1])
    )
    versions = settings.json("history")["versions"]
    assert [(v["version"], v["key"], v["old"], v["new"]) for v in versions] == [
        (1, None, None, None),
        (2, "batch_size", 50, 10),
        (3, "excluded", [], ["partner.example", "bob@alpha.example"]),
    ]
    assert versions[1]["by"] == "admin@ourco.example"
    assert versions[2]["by"].startswith("cli")
    shown = settings.json("show")
    assert (shown["version"], shown["settings"]["batch_size"]) == (3, 10)
    human = settings("history")[1]
    assert "batch_size: 50 -> 10" in human and "admin@ourco.example" in human


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("batch_size", "51", "expected a whole number from 1 to 50"),
        ("batch_size", "ten", "expected a whole number from 1 to 50"),
        ("api_budget_percent", "0", "expected a whole number from 1 to 100"),
        ("shared_activities", "maybe", "expected one of auto, on, off"),
        ("opportunity_mode", "owner", "expected one of account, contact_role"),
        ("include_bcc", "perhaps", "expected true or false"),
        ("version", "7", "unknown setting 'version'; valid settings:"),
        ("org_shared_activities", "true", "unknown setting 'org_shared_activities'"),
        # R4: a list that silently stops excluding is refused, naming the bad item
        (
            "internal_domains",
            "https://northwind.example",
            "'https://northwind.example' is not a domain",
        ),
        ("excluded", "not an address,,@,ceo@", "'not an address' is not an address or a domain"),
        ("excluded", "ceo@", "'ceo@' is not an address or a domain"),
        ("system_senders", "no reply@x", "'no reply@x' is not the local part of an address"),
        ("batch_sise", "10", "did you mean 'batch_size'?"),
    ],
)
def test_a_bad_key_or_value_is_refused_with_the_valid_ones_and_exit_2(
    settings: Settings, key: str, value: str, message: str
) -> None:
    code, _, err = settings("set", key, value)
    assert code == 2
    assert message in err
    assert settings.json("show")["version"] == 1


def test_show_reports_the_observed_org_state_and_whether_sharing_is_in_effect(
    settings: Settings,
) -> None:
    """R17: auto + the org has it enabled = in effect; the observation is a version too."""
    app = open_app(settings.store)
    try:
        app.observe_shared_activities(True, "metadata_api")
    finally:
        app.close()
    document = settings.json("show")
    assert document["shared_activities_in_effect"] is True
    assert document["org_shared_activities"] is True
    assert document["org_observed"]["by"] == "observed in the org (metadata_api)"
    settings("set", "shared_activities", "off")
    human = settings("show")[1]
    assert "shared activities in effect: no" in human
    assert "org's shared activities setting: enabled" in human
    observed = settings.json("history")["versions"][1]
    assert (observed["key"], observed["old"], observed["new"]) == (
        "org_shared_activities",
        None,
        True,
    )
