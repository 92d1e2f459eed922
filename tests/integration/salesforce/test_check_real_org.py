"""scripts/check_real_org.py against the local org, where every row must match (R8, R13, R20, R25).

The script settles on a real org what the local org assumes (adapters/local_org/assumptions.py);
here it runs as an admin would run it, a subprocess of the project's Python with the org's
environment, and must agree with the local org on every applicable row and leave nothing behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.format import format_soql

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check_real_org.py"
OBJECTS = ("Account", "Contact", "Lead", "Task")
SHARED_ROWS = ("1a", "1b", "3")


def run_script(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The script as an admin runs it: only the SALESFORCE_* variables given here."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SALESFORCE_")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def rows_of(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    return {row["check"]: row for row in json.loads(done.stdout)}


def counts(org: Any) -> dict[str, int]:
    sf = org.salesforce()
    return {name: sf.query(f"SELECT COUNT() FROM {name}")["totalSize"] for name in OBJECTS}


def test_every_row_matches_the_local_org_and_the_run_leaves_nothing_behind(org: Any) -> None:
    """R8 (TaskWhoIds primary first, replaced on re-upsert), R7 (50 people a Task), R13 (a
    Lead's Task has no WhatId), R20 (re-upsert by sync key; create-only TaskSubtype), R25
    (/limits and the usage header)."""
    before = counts(org)
    done = run_script(org.environment(), "--json")
    assert done.returncode == 0, done.stderr
    rows = rows_of(done)
    assert list(rows) == ["1a", "1b", "2", "3", "4", "5a", "5b"]
    assert all(row["applicable"] and row["match"] is True for row in rows.values()), rows
    assert all(rows[n]["observed"] == rows[n]["expected"] for n in ("1a", "1b", "2", "3", "4"))
    assert rows["5a"]["observed"] == "200 with DailyApiRequests: the user has View Setup"
    assert "Removed 3 Tasks, 51 Contacts, 1 Lead, 1 Account" in done.stderr
    assert counts(org) == before


def test_the_table_fits_eighty_columns_and_says_what_it_removed(org: Any) -> None:
    """R25: the admin's view of the same run, without --json."""
    done = run_script(org.environment() | {"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "JUNCTION_LIST_BY_UPSERT_REPLACES" in done.stdout and " NO " not in done.stdout
    assert lines[-1].startswith("Removed 3 Tasks, 51 Contacts, 1 Lead, 1 Account (run ascheck-")


def test_without_view_setup_limits_answers_403_and_the_header_still_reports_usage(
    fresh_org: Any,
) -> None:
    """R25: /limits needs View Setup; the usage then comes from Sforce-Limit-Info."""
    denied = fresh_org(deny_permissions=("ViewSetup",))
    done = run_script(denied.environment(), "--json")
    assert done.returncode == 0, done.stderr
    rows = rows_of(done)
    assert rows["5a"]["observed"] == "403 INSUFFICIENT_ACCESS: the user lacks View Setup"
    assert rows["5a"]["match"] is True and rows["5b"]["match"] is True
    assert rows["5b"]["observed"].startswith("api-usage=")


def test_without_shared_activities_the_shared_rows_are_not_applicable_and_the_rest_match(
    fresh_org: Any,
) -> None:
    """R13, R20: the Lead and create-only rows hold with shared activities off; R8's rows
    say they do not apply instead of failing."""
    off = fresh_org(shared_activities=False)
    before = counts(off)
    done = run_script(off.environment(), "--json")
    assert done.returncode == 0, done.stderr
    rows = rows_of(done)
    for number, row in rows.items():
        if number in SHARED_ROWS:
            assert row["observed"] == "not applicable: shared activities off"
            assert row["match"] is None and row["applicable"] is False
        else:
            assert row["match"] is True, row
    assert counts(off) == before


def test_remove_deletes_what_an_interrupted_run_left_and_nothing_else(org: Any) -> None:
    """R20: a run cut short is cleaned up by its tag; other records stay."""
    sf = org.salesforce()
    tag = "ascheck-0123456789"
    before = counts(org)
    kept = sf.Contact.create({"LastName": "Kept", "Email": "kept@example.com"})["id"]
    left = sf.Contact.create({"LastName": "Left", "Email": f"{tag}-c1@example.com"})["id"]
    sf.Task.create({"Subject": "left", "WhoId": left, "Activity_Sync_Key__c": f"{tag}-shared"})
    done = run_script(org.environment(), "--remove", tag)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Removed 1 Task, 1 Contact (run {tag})."
    statement = format_soql("SELECT Id FROM Contact WHERE Id = {}", kept)
    assert sf.query(statement)["totalSize"] == 1
    sf.Contact.delete(kept)
    assert counts(org) == before


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        ((), {}, "Name the org to check with --salesforce"),
        (("--salesforce", "http://org.example"), {}, "must start with https://"),
        (("--salesforce", "https://org.example"), {}, "Salesforce credentials are missing"),
        (
            ("--salesforce", "https://org.example", "--external-id-field", "a key"),
            {},
            "is not a field's API name",
        ),
        (("--salesforce", "https://org.example", "--remove", "x"), {}, "is not a run of"),
        (("--frobnicate",), {}, "Unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_usage_exits_2_with_one_sentence_and_no_traceback(
    args: tuple[str, ...], env: dict[str, str], sentence: str
) -> None:
    """R25: nothing is sent to any org; the admin reads what to do."""
    done = run_script(env, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert sentence in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_refused_session_exits_2_with_one_sentence(org: Any) -> None:
    """R25: a wrong session id is named as such before anything is written."""
    before = counts(org)
    done = run_script(org.environment() | {"SALESFORCE_SESSION_ID": "not-a-session"}, "--json")
    assert done.returncode == 2
    assert done.stderr.strip().endswith("or use username/password or JWT credentials.")
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert counts(org) == before
