"""What each command loads when it starts: a command imports its own dependencies only, so
`activity-sync --help` and the commands that read the store start quickly (SPEC section 4;
docs/performance.md, "Start-up"). Checked by the modules a fresh process holds, not by time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample-activities.jsonl"
# Runs the CLI as the `activity-sync` script does, then reports the top-level packages loaded.
PROBE = """
import sys
from adapters.cli.main import main
try:
    main()
finally:
    sys.stderr.write("\\nMODULES " + " ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""
ORG_AND_GRAMMAR = {"simple_salesforce", "zeep", "requests", "urllib3", "lark", "jwt"}


def loaded(*argv: str) -> tuple[set[str], str]:
    """(top-level packages loaded, stdout) of one CLI run in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    modules = done.stderr.rpartition("MODULES ")[2].split()
    return set(modules), done.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the sample day, made as a user makes one (ingest)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('startup') / 'store.db'}"
    loaded("--store", url, "ingest", str(SAMPLE))
    return url


def test_help_lists_every_command_without_loading_the_org_sql_or_grammar_libraries() -> None:
    modules, out = loaded("--help")
    assert modules.isdisjoint(ORG_AND_GRAMMAR | {"sqlalchemy", "eventsourcing", "rich"})
    assert "timeline" in out and "views" in out


def test_a_subcommand_group_help_loads_only_its_own_module() -> None:
    modules, out = loaded("settings", "--help")
    assert {"show", "set", "history"} <= set(out.split())
    assert modules.isdisjoint(ORG_AND_GRAMMAR | {"sqlalchemy"})


def test_settings_show_reads_the_log_without_sql_or_the_org(store: str) -> None:
    modules, out = loaded("--store", store, "settings", "show", "--json")
    assert json.loads(out)["version"] >= 1
    assert modules.isdisjoint(ORG_AND_GRAMMAR | {"sqlalchemy"})


@pytest.mark.parametrize(
    "argv",
    [("stats", "--json"), ("explain", "<CAF7x01@mail.fernhill.example>/sent", "--json")],
)
def test_the_audit_commands_load_no_org_or_grammar_library(
    store: str, argv: tuple[str, ...]
) -> None:
    modules, out = loaded("--store", store, *argv)
    assert json.loads(out)
    assert modules.isdisjoint(ORG_AND_GRAMMAR)
