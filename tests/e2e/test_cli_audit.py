"""`activity-sync explain`, `stats` and `views rebuild` as an admin runs them (R21, R23; exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from audit_support import Store, first_part, open_store
from jsonschema import Draft202012Validator

from adapters.store.persistence import open_app

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "explain-schema.json").read_text())


def run(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), "--store", store.url, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    opened = open_store(tmp_path_factory.mktemp("audit-cli"))
    first_part(opened, emails=2)
    opened.app.close()
    return opened


def test_explain_json_is_one_document_matching_the_schema(store: Store) -> None:
    """R21: --json prints the documented document, found here by a Salesforce Task id."""
    app = open_app(store.url)
    key, salesforce_id = next(iter(app.activity("big").written.items()))
    app.close()

    result = run(store, "explain", salesforce_id, "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    Draft202012Validator(SCHEMA).validate(document)
    assert document["query"] == {"id": salesforce_id, "matched": "salesforce_id"}
    assert document["tasks"][0]["sync_key"] == key


def test_explain_prints_a_readable_story(store: Store) -> None:
    """R21: recipients, the Task with its batch, WhatId rule, settings and timeline of writes."""
    result = run(store, "explain", "refused")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Activity refused" in out and "Recipients" in out
    assert "WhatId" in out and "R10c" in out and "Settings v2" in out
    assert "INVALID_FIELD: No such column" in out


def test_an_unknown_id_says_so_and_exits_1(store: Store) -> None:
    """R21: an unknown id is a failed operation."""
    result = run(store, "explain", "00T00000000NOPE")

    assert result.returncode == 1
    assert "00T00000000NOPE" in result.stderr and result.stdout == ""


def test_stats_json_and_views_rebuild(store: Store) -> None:
    """R23: stats count from the view; views rebuild reports what it read."""
    stats = run(store, "stats", "--json")
    rebuilt = run(store, "views", "rebuild", "--json")

    assert stats.returncode == 0 and rebuilt.returncode == 0, stats.stderr + rebuilt.stderr
    assert json.loads(stats.stdout)["rejected_lines"] == 2
    report = json.loads(rebuilt.stdout)
    assert report["processed"] == report["position"] > 0
