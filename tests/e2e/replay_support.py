"""The cases `replay plan|apply` runs on: a store syncing into the local org, as an admin has it."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from adapters.bootstrap import build
from adapters.cli.main import _register, cli
from adapters.local_org.launcher import LocalOrg
from domain.model import Activity

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
TASKS = "SELECT Id, WhoId, WhatId, Subject, Activity_Sync_Key__c{relations} FROM Task"
RELATIONS = ", (SELECT RelationId FROM TaskWhoRelations)"


@dataclass
class Case:
    """One store syncing into a local org, with its own contacts (prefix) and account."""

    org: LocalOrg
    store: str
    prefix: str
    contact_ids: list[str]
    account_id: str

    def env(self) -> dict[str, str]:
        return {**self.org.environment(), "ACTIVITY_SYNC_STORE": self.store}

    def email(self, activity_id: str, count: int, subject: str | None = None) -> None:
        engine = build(self.store, self.org.instance_url, env=self.org.environment())
        to = tuple(f"{self.prefix}{i}@acme.example" for i in range(count))
        email = Activity(
            activity_id, "sent", "2026-11-02T09:00:00Z", "rep@ourco.example", to, subject=subject
        )
        engine.app.record_activities([(email, "test")])
        engine.close()

    def position(self) -> int:
        """The store's last notification id: unchanged means nothing was appended."""
        engine = build(self.store)
        try:
            return int(engine.app.recorder.max_notification_id() or 0)
        finally:
            engine.close()

    def setting(self, key: str, value: str) -> None:
        engine = build(self.store, self.org.instance_url, env=self.org.environment())
        engine.app.change_setting(key, value)
        engine.close()

    def cli(self, *args: str) -> Any:
        _register()
        result = CliRunner().invoke(cli, list(args), env=self.env(), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    def sync(self) -> None:
        self.cli("sync", "--json")

    def replay(self, tmp_path: Path, *apply_options: str) -> dict[str, Any]:
        """plan --out, apply, sync; the plan document."""
        plan = tmp_path / f"plan-{len(list(tmp_path.glob('plan-*')))}.json"
        self.cli("replay", "plan", "--out", str(plan))
        self.cli("replay", "apply", str(plan), "--yes", *apply_options)
        self.sync()
        return dict(json.loads(plan.read_text()))

    def tasks(self) -> list[dict[str, Any]]:
        """The org's Tasks of this case's contacts, as an admin queries them."""
        mine = set(self.contact_ids)
        relations = RELATIONS if self.org.shared_activities is not False else ""
        rows = self.org.salesforce().query_all(TASKS.format(relations=relations))["records"]
        return [_task(row) for row in rows if row["WhoId"] in mine]


def _task(row: dict[str, Any]) -> dict[str, Any]:
    relations = (row.get("TaskWhoRelations") or {}).get("records") or []
    people = [r["RelationId"] for r in relations] or [row["WhoId"]]
    return {
        "Id": row["Id"],
        "WhoId": row["WhoId"],
        "WhatId": row["WhatId"],
        "Subject": row["Subject"],
        "key": row["Activity_Sync_Key__c"],
        "people": people,
    }


def seed(org: LocalOrg, prefix: str, count: int) -> tuple[list[str], str]:
    sf = org.salesforce()
    account = sf.Account.create({"Name": f"Acme {prefix}"})["id"]
    records = [
        {
            "attributes": {"type": "Contact"},
            "LastName": f"{prefix.upper()}{i}",
            "Email": f"{prefix}{i}@acme.example",
            "AccountId": account,
        }
        for i in range(count)
    ]
    ids: list[str] = []
    for start in range(0, count, 200):
        body = {"allOrNone": True, "records": records[start : start + 200]}
        ids += [r["id"] for r in sf.restful("composite/sobjects", method="POST", json=body)]
    return ids, account


def new_case(org: LocalOrg, tmp_path: Path, prefix: str, count: int) -> Case:
    contact_ids, account = seed(org, prefix, count)
    return Case(org, f"sqlite:///{tmp_path / 'store.db'}", prefix, contact_ids, account)


def run(case: Case, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", **case.env()},
    )
