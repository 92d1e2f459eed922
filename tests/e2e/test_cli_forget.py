"""`activity-sync forget` and `unforget` end to end, on SQLite and PostgreSQL (R29).

One store syncs emails into the local org with a person as a shared Task's primary, as a
secondary, alone, and as an engagement's actor; a rejected line and a replay plan kept by
the console name them too. After `forget`, no byte of their address (in any letter case)
is left in the store, the org no longer relates them, the audit still reads for everyone
else, and a later ingest of the address is judged `forgotten` until `unforget`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from adapters.bootstrap import build
from adapters.cli.main import _register, cli
from adapters.local_org.launcher import LocalOrg
from adapters.web.replays import PlanStore
from tests.e2e.replay_support import seed

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "explain-schema.json").read_text())
PERSON = "ana.lee.1@acme.example"
SHOUTED = "Ana.Lee.1@ACME.example"
REP = "rep@ourco.example"
TASKS = (
    "SELECT Id, WhoId, Activity_Sync_Key__c, (SELECT RelationId FROM TaskWhoRelations) FROM Task"
)


def sent(activity_id: str, *to: str) -> dict[str, Any]:
    return {
        "id": activity_id,
        "type": "sent",
        "occurred_at": "2026-11-02T09:00:00Z",
        "sender": REP,
        "to": list(to),
        "subject": f"Renewal {activity_id}",
        "body": "Hello there",
    }


class Store:
    """One store syncing into the org, driven through the CLI as an admin does."""

    def __init__(self, org: LocalOrg, url: str, inputs: Path) -> None:
        self.org, self.url, self.inputs = org, url, inputs

    def cli(self, *args: str, code: int = 0) -> str:
        _register()
        env = {**self.org.environment(), "ACTIVITY_SYNC_STORE": self.url}
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    def ingest(self, name: str, *lines: str) -> None:
        path = self.inputs / name
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        self.cli("ingest", str(path), code=2 if any(not _ok(line) for line in lines) else 0)

    def explain(self, ident: str) -> dict[str, Any]:
        return dict(json.loads(self.cli("explain", ident, "--json")))

    def outcomes(self, ident: str) -> dict[str, str]:
        story = self.explain(ident)
        return {r["address"]: r["outcome"] for r in story["recipients"]}

    def in_org(self, ident: str, tasks: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """The org's copies of the records explain lists for an activity now."""
        keys = [t["sync_key"] for t in self.explain(ident)["tasks"]]
        return [tasks[key] for key in keys if key in tasks]

    def org_tasks(self) -> dict[str, dict[str, Any]]:
        rows = self.org.salesforce().query_all(TASKS)["records"]
        found = {}
        for row in rows:
            relations = (row.get("TaskWhoRelations") or {}).get("records") or []
            people = {r["RelationId"] for r in relations} | {row["WhoId"]}
            found[row["Activity_Sync_Key__c"]] = {"who": row["WhoId"], "people": people}
        return found


def _ok(line: str) -> bool:
    try:
        return json.loads(line)["occurred_at"].endswith("Z")
    except (ValueError, KeyError):
        return False


@pytest.fixture
def people(shared_org: LocalOrg) -> dict[str, str]:
    """Four Contacts of one Account: ana.lee.0 .. ana.lee.3 (ana.lee.1 is to be forgotten)."""
    ids, _ = seed(shared_org, "ana.lee.", 4)
    return {f"ana.lee.{i}@acme.example": ids[i] for i in range(4)}


def history(store: Store) -> None:
    """The person as a shared Task's primary and secondary, alone, and as an actor; a
    rejected line naming them; synced."""
    a0, a2 = "ana.lee.0@acme.example", "ana.lee.2@acme.example"
    lines = [
        json.dumps(sent("<m1@ourco.example>/sent", SHOUTED, a0, a2)),
        json.dumps(sent("<m2@ourco.example>/sent", a0, PERSON)),
        json.dumps(sent("<m3@ourco.example>/sent", a2, f"Ana Lee <{PERSON}>")),
        json.dumps(sent("<m4@ourco.example>/sent", PERSON)),
        json.dumps(
            {
                "id": f"<m1@ourco.example>/open/{PERSON}",
                "type": "open",
                "occurred_at": "2026-11-02T10:00:00Z",
                "sender": REP,
                "actor": PERSON,
                "subject": "Renewal",
            }
        ),
        json.dumps({**sent("<bad@ourco.example>/sent", SHOUTED), "occurred_at": "yesterday"}),
    ]
    store.ingest("week.jsonl", *lines)
    store.cli("sync", "--json")


def forget_and_check(store: Store, people: dict[str, str]) -> dict[str, Any]:
    before = store.org_tasks()
    m1 = store.explain("<m1@ourco.example>/sent")["tasks"][0]["sync_key"]
    m2 = store.explain("<m2@ourco.example>/sent")["tasks"][0]["sync_key"]
    m4 = store.explain("<m4@ourco.example>/sent")["tasks"][0]["sync_key"]
    assert people[PERSON] in before[m1]["people"] and people[PERSON] in before[m2]["people"]
    assert before[m1]["who"] == people[PERSON] != before[m2]["who"]
    report = json.loads(store.cli("forget", f"Ana Lee <{SHOUTED}>", "--yes", "--json"))
    assert report["known"] and report["activities"] == 5 and report["rejected_lines"] == 1
    after = store.org_tasks()
    assert m4 not in after
    a0, a2 = people["ana.lee.0@acme.example"], people["ana.lee.2@acme.example"]
    assert store.in_org("<m1@ourco.example>/sent", after) == [{"who": a0, "people": {a0, a2}}]
    assert store.in_org("<m2@ourco.example>/sent", after) == [{"who": a0, "people": {a0}}]
    assert all(people[PERSON] not in task["people"] for task in after.values())
    story = store.explain("<m1@ourco.example>/sent")
    Draft202012Validator(SCHEMA).validate(story)
    outcomes = {r["address"]: r["outcome"] for r in story["recipients"]}
    assert outcomes["(forgotten person)"] == "forgotten"
    assert outcomes["ana.lee.2@acme.example"] == "contact"
    json.loads(store.cli("stats", "--json"))
    kept = json.loads(store.cli("rejected", "--json"))
    assert "(withheld: names a forgotten person)" in json.dumps(kept)
    plan = store.cli("replay", "plan", "--json")
    assert PERSON not in plan.lower()
    return dict(report)


def comes_back_only_after_unforget(store: Store) -> None:
    store.ingest("later.jsonl", json.dumps(sent("<m5@ourco.example>/sent", PERSON)))
    store.cli("sync", "--json")
    assert store.outcomes("<m5@ourco.example>/sent") == {"(forgotten person)": "forgotten"}
    assert "may be ingested again" in store.cli("unforget", PERSON)
    store.ingest("again.jsonl", json.dumps(sent("<m6@ourco.example>/sent", PERSON)))
    store.cli("sync", "--json")
    assert store.outcomes("<m6@ourco.example>/sent") == {PERSON: "contact"}


def test_a_forgotten_person_leaves_no_trace_in_the_sqlite_store_and_stays_out_until_unforget(
    shared_org: LocalOrg, people: dict[str, str], tmp_path: Path
) -> None:
    """R29: no byte of the address in the store's folder (db, WAL, journal, kept plans);
    the org unrelates them; explain, stats and replay work for everyone else."""
    folder, inputs = tmp_path / "store", tmp_path / "inputs"
    folder.mkdir()
    inputs.mkdir()
    store = Store(shared_org, f"sqlite:///{folder / 'store.db'}", inputs)
    history(store)
    m1_open = store.explain(f"<m1@ourco.example>/open/{PERSON}")["tasks"][0]["salesforce_id"]
    shared_org.salesforce().Task.delete(m1_open)  # a finding the console's plan names
    with build(store.url, shared_org.instance_url, env=shared_org.environment()) as runtime:
        plans = PlanStore(folder / "plans", runtime.gateway)
        header = plans.make(runtime.app, use_org=True)
    assert PERSON.encode() in (folder / "plans" / f"{header['replay_id']}.json").read_bytes()
    report = forget_and_check(store, people)
    assert report["plans_deleted"] == [f"{header['replay_id']}.json"]
    assert leftovers(folder) == []
    comes_back_only_after_unforget(store)


def leftovers(folder: Path) -> list[str]:
    """Files of the folder holding the address in any letter case."""
    needle = PERSON.encode()
    return [p.name for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes().lower()]


@pytest.mark.postgres
def test_a_forgotten_person_cannot_be_read_back_from_the_postgresql_tables(
    shared_org: LocalOrg, people: dict[str, str], tmp_path: Path, postgres_store_url: str
) -> None:
    """R29 on PostgreSQL: every table of the store's schema, read back, lacks the address."""
    store = Store(shared_org, postgres_store_url, tmp_path)
    history(store)
    forget_and_check(store, people)
    assert tables_naming(postgres_store_url) == []
    comes_back_only_after_unforget(store)


def tables_naming(url: str) -> list[str]:
    server, _, schema = url.partition("?schema=")
    found = []
    with psycopg.connect(server) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        ).fetchall()
        for (table,) in tables:
            for row in connection.execute(f'SELECT * FROM "{schema}"."{table}"'):
                if any(PERSON.encode() in _bytes(value).lower() for value in row):
                    found.append(table)
                    break
    return found


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes | memoryview):
        return bytes(value)
    return str(value).encode()


def test_forgetting_on_a_store_written_before_the_vault_erases_the_views_and_says_what_stays(
    tmp_path: Path,
) -> None:
    """R29 on an old store: its events hold the address in plain text (the log is append-only,
    docs/privacy.md), so forget rewrites the views, reads the person as forgotten from then
    on, and says how many events still hold the address."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "store-before-layout"
    shutil.copy(fixture / "activity-sync.sqlite3", tmp_path / "old.sqlite3")
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _register()
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            url,
            "forget",
            "Liam.Nguyen@acme-logistics.example",
            "--in-org",
            "keep",
            "--yes",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Still readable:" in result.output and "In the org: nothing changed" in result.output
    story = CliRunner().invoke(
        cli, ["--store", url, "explain", "<compat-1@northwind.example>/sent", "--json"]
    )
    outcomes = [r["outcome"] for r in json.loads(story.output)["recipients"]]
    assert "forgotten" in outcomes and "liam.nguyen" not in story.output


def test_bad_input_exits_2_before_anything_is_erased_and_an_unknown_address_is_suppressed(
    tmp_path: Path,
) -> None:
    """R29: a malformed address, or unrelating without an org, is one sentence and exit 2
    before anything is destroyed; an address never seen still goes on the list."""
    executable = Path(sys.executable).with_name("activity-sync")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        store = f"sqlite:///{tmp_path / 'store.db'}"
        command = [str(executable), "--store", store, *args]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFORCE_")}
        return subprocess.run(
            command, capture_output=True, text=True, timeout=60, check=False, env=env
        )

    bad = run("forget", "not an address", "--yes")
    assert bad.returncode == 2 and "not an email address" in bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    unknown = run("forget", "zoe@nowhere.example", "--yes")
    assert unknown.returncode == 0, unknown.stderr
    assert "never saw this address; it is now on the suppression list" in unknown.stdout
    assert "may be ingested again" in run("unforget", "Zoe <ZOE@nowhere.example>").stdout
    line = json.dumps(sent("<m9@ourco.example>/sent", "zoe@nowhere.example"))
    (tmp_path / "in.jsonl").write_text(line + "\n", encoding="utf-8")
    assert run("ingest", str(tmp_path / "in.jsonl")).returncode == 0
    no_org = run("forget", "zoe@nowhere.example", "--yes")
    assert no_org.returncode == 2 and "--in-org keep" in no_org.stderr
    kept = run("forget", "zoe@nowhere.example", "--in-org", "keep", "--yes")
    assert kept.returncode == 0 and "Forgotten: named in 1 activities" in kept.stdout
