"""Names and "open in Salesforce" links beside the ids of explain and timeline, against the
local org as an admin runs them (R21, R22)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from jsonschema import Draft202012Validator
from replay_support import EXECUTABLE, Case, new_case, run

from adapters.local_org.launcher import LocalOrg

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "explain-schema.json").read_text())


def _case(org: LocalOrg, tmp_path: Path, prefix: str) -> Case:
    case = new_case(org, tmp_path, prefix, 2)
    case.email(f"{prefix}-1", 2, subject="Names")
    case.sync()
    return case


def _page(case: Case, kind: str, record_id: str) -> str:
    return f"{case.org.instance_url.rstrip('/')}/lightning/r/{kind}/{record_id}/view"


def test_explain_json_names_and_links_the_task_its_people_and_account(
    shared_org: LocalOrg, tmp_path: Path
) -> None:
    """R21: the Task, each Contact and their Account carry the names the lookup read and
    their Lightning pages on the configured org."""
    case = _case(shared_org, tmp_path, "named")
    (task,) = case.tasks()

    explained = run(case, "explain", task["Id"], "--json")

    assert explained.returncode == 0, explained.stderr
    document = json.loads(explained.stdout)
    Draft202012Validator(SCHEMA).validate(document)  # every url key is a documented one
    (doc_task,) = document["tasks"]
    assert doc_task["url"] == _page(case, "Task", task["Id"])
    people = [(m["name"], m["url"]) for m in doc_task["members"]]
    assert people == [(f"NAMED{n}", _page(case, "Contact", case.contact_ids[n])) for n in range(2)]
    what = doc_task["what"]
    assert (what["id"], what["name"]) == (case.account_id, "Acme named")
    assert what["url"] == _page(case, "Account", case.account_id)


def test_explain_json_without_an_org_has_names_but_no_url(
    shared_org: LocalOrg, tmp_path: Path
) -> None:
    """R21: names come from the store; with no instance URL configured no link is made up."""
    case = _case(shared_org, tmp_path, "offline")
    (task,) = case.tasks()
    env = {"PATH": "/usr/bin:/bin", "ACTIVITY_SYNC_STORE": case.store}

    explained = run_with(env, "explain", task["Id"], "--json")

    assert explained.returncode == 0, explained.stderr
    assert '"url"' not in explained.stdout and "_url" not in explained.stdout
    assert json.loads(explained.stdout)["tasks"][0]["primary"]["name"] == "OFFLINE0"


def test_explain_names_people_and_accounts_for_a_person_reading_it(
    shared_org: LocalOrg, tmp_path: Path
) -> None:
    """R21: the human story shows `Name <address>` and `Name (Id)`, ids whole."""
    case = _case(shared_org, tmp_path, "human")
    (task,) = case.tasks()

    explained = run(case, "explain", task["Id"])

    assert explained.returncode == 0, explained.stderr
    assert "HUMAN0 <human0@acme.example>" in explained.stdout
    assert f"WhatId Acme human ({case.account_id})" in explained.stdout


def test_timeline_json_links_each_record_its_person_and_what(
    shared_org: LocalOrg, tmp_path: Path
) -> None:
    """R22: every timeline record has its page, its WhoId's and its WhatId's."""
    case = _case(shared_org, tmp_path, "lined")
    (task,) = case.tasks()

    listed = run(case, "timeline", "lined0@acme.example", "--json")

    assert listed.returncode == 0, listed.stderr
    (record,) = json.loads(listed.stdout)["records"]
    assert record["url"] == _page(case, "Task", task["Id"])
    assert (record["who_name"], record["who_url"]) == (
        "LINED0",
        _page(case, "Contact", case.contact_ids[0]),
    )
    assert record["what_url"] == _page(case, "Account", case.account_id)
    shown = run(case, "timeline", "lined0@acme.example")
    assert "Timeline of LINED0 <lined0@acme.example>" in shown.stdout


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_views_rebuild_reads_the_names_again_from_the_log(
    shared_org: LocalOrg, tmp_path: Path
) -> None:
    """R21: the names index is a view: emptied, `views rebuild` fills it from the events."""
    case = _case(shared_org, tmp_path, "rebuilt")
    database = case.store.removeprefix("sqlite:///")
    query = "SELECT name, address FROM view_record_names WHERE address LIKE 'rebuilt%'"
    run(case, "views", "rebuild")  # the index exists and holds the names
    with sqlite3.connect(database) as connection:
        before = sorted(connection.execute(query))
        connection.execute("DELETE FROM view_record_names")
    connection.close()

    rebuilt = run(case, "views", "rebuild")

    assert rebuilt.returncode == 0, rebuilt.stderr
    with sqlite3.connect(database) as connection:
        after = sorted(connection.execute(query))
    connection.close()
    assert (
        before
        == after
        == [("REBUILT0", "rebuilt0@acme.example"), ("REBUILT1", "rebuilt1@acme.example")]
    )
