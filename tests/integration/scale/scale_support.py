"""A backlog for the scale tests: people in the local org, activities that use them, and checks.

Every backlog has a tag: its people's addresses use `<tag>.example` and its activity ids
start with the tag, so several tests share one org without seeing each other's Tasks.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from adapters.cli.main import _register, cli
from adapters.local_org.launcher import LocalOrg
from adapters.local_org.seed import load_seed, seed
from adapters.store.persistence import open_app

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
KEY = "Activity_Sync_Key__c"


@dataclass
class Backlog:
    """People seeded in an org and activities about them, ready to ingest as JSON Lines."""

    org: LocalOrg
    tag: str = field(default_factory=lambda: f"s{uuid.uuid4().hex[:8]}")
    contacts: list[str] = field(default_factory=list)  # addresses
    leads: list[str] = field(default_factory=list)
    people_ids: set[str] = field(default_factory=set)  # their Salesforce ids
    activities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sender(self) -> str:
        return f"rep@ours-{self.tag}.example"

    def seed(self, accounts: int = 6, contacts: int = 48, leads: int = 4) -> Backlog:
        """Accounts (every other one with two open Opportunities), contacts spread over them."""
        domain = f"{self.tag}.example"
        data: dict[str, list[dict[str, Any]]] = {
            "accounts": [
                {"ref": f"a{n}", "Name": f"Account {n} {self.tag}"} for n in range(accounts)
            ],
            "opportunities": [
                {
                    "ref": f"o{n}-{k}",
                    "Name": f"Deal {n}-{k}",
                    "AccountId": f"@a{n}",
                    "StageName": "Prospecting",
                    "CloseDate": "2026-12-31",
                }
                for n in range(0, accounts, 2)
                for k in range(2)
            ],
            "contacts": [
                {
                    "ref": f"c{n}",
                    "LastName": f"C{n}",
                    "Email": f"c{n}@{domain}",
                    "AccountId": f"@a{n % accounts}",
                }
                for n in range(contacts)
            ],
            "leads": [
                {
                    "ref": f"l{n}",
                    "LastName": f"L{n}",
                    "Company": "Prospect",
                    "Email": f"l{n}@{domain}",
                }
                for n in range(leads)
            ],
        }
        created = seed(self.org.salesforce(), load_seed(data))
        self.people_ids = {v["id"] for v in created.values() if v["object"] in ("Contact", "Lead")}
        self.contacts = [row["Email"] for row in data["contacts"]]
        self.leads = [row["Email"] for row in data["leads"]]
        return self

    def emails(self, count: int, seed: int = 11) -> Backlog:
        """`count` activities: sent emails to 1-5 people (shared Tasks), opens, a few leads."""
        rng = random.Random(seed)
        for n in range(count):
            when = f"2026-11-{1 + n % 28:02d}T{8 + n % 10:02d}:15:00Z"
            base = {"id": f"{self.tag}-{n}", "occurred_at": when, "sender": self.sender}
            if n % 5 == 4:
                actor = rng.choice(self.contacts)
                self.activities.append({**base, "type": "open", "actor": actor, "subject": f"S{n}"})
                continue
            people = rng.sample(self.contacts, rng.randint(1, 5))
            if n % 7 == 0:
                people.append(rng.choice(self.leads))
            self.activities.append({**base, "type": "sent", "to": people, "subject": f"S{n}"})
        return self

    def write(self, path: Path) -> Path:
        path.write_text("".join(json.dumps(a) + "\n" for a in self.activities), encoding="utf-8")
        return path

    def planned_keys(self, store_url: str) -> set[str]:
        """The sync key of every record the store planned for this backlog."""
        app = open_app(store_url)
        try:
            found = (app.activity(a["id"]) for a in self.activities)
            return {key for activity in found if activity for key in activity.batches}
        finally:
            app.close()

    def org_keys(self) -> Counter[str]:
        """How many Tasks in the org name each sync key, among Tasks of this backlog's people."""
        listed = ",".join(f"'{i}'" for i in sorted(self.people_ids))
        rows = self.org.salesforce().query_all(f"SELECT {KEY} FROM Task WHERE WhoId IN ({listed})")[
            "records"
        ]
        return Counter(row[KEY] for row in rows)


def invoke(store_url: str, org: LocalOrg, *args: str) -> Result:
    """Run the CLI in this process (click), pointed at the store and the org."""
    _register()
    env = {**org.environment(), "ACTIVITY_SYNC_STORE": store_url}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def spawn(store_url: str, org: LocalOrg, *args: str) -> subprocess.Popen[str]:
    """Start the installed `activity-sync` command (a worker process of its own)."""
    env = {**os.environ, **org.environment(), "ACTIVITY_SYNC_STORE": store_url}
    return subprocess.Popen(
        [str(EXECUTABLE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
