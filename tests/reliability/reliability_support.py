"""Shared by the reliability tests: a scene (its own people in a shared local org, its own
store), a quick engine on it, and what the org holds, read as an admin would.

Every scene has a unique tag: its people's addresses use `<tag>.example`, its activity ids
start with the tag, so many scenes share one org without seeing each other's records.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simple_salesforce.exceptions import SalesforceError

from adapters.bootstrap import Runtime, build
from adapters.local_org.launcher import LocalOrg
from adapters.local_org.seed import load_seed, seed
from adapters.salesforce.gateway import SimpleSalesforceGateway
from projections.worker import WorkerOptions

KEY = "Activity_Sync_Key__c"
TASK_FIELDS = f"Id, WhoId, WhatId, {KEY}, (SELECT RelationId FROM TaskWhoRelations)"
DAY = "2026-11-24"
PERSON_REF = re.compile(r"[cl]\d+")
_counter = itertools.count()


def new_tag() -> str:
    return f"r{next(_counter)}{uuid.uuid4().hex[:8]}"


def fast_options(**changes: Any) -> WorkerOptions:
    """Deferred records may be retried at once: the tests run the worker again themselves."""
    return WorkerOptions(**{"retry_base_seconds": 0.0, "retry_cap_seconds": 0.0, **changes})


def opportunity(ref: str, account: str, stage: str = "Prospecting") -> dict[str, Any]:
    return {
        "ref": ref,
        "Name": ref,
        "AccountId": f"@{account}",
        "StageName": stage,
        "CloseDate": "2026-12-31",
    }


@dataclass
class Scene:
    """One store syncing into one (possibly shared) local org, with people of its own."""

    org: LocalOrg
    folder: Path
    tag: str = field(default_factory=new_tag)
    ids: dict[str, str] = field(default_factory=dict)  # seed ref -> Salesforce id

    @property
    def domain(self) -> str:
        return f"{self.tag}.example"

    @property
    def sender(self) -> str:
        return f"rep@ours-{self.tag}.example"

    @property
    def store_url(self) -> str:
        return f"sqlite:///{self.folder / 'store.db'}"

    def address(self, local: str) -> str:
        return local if "@" in local else f"{local}@{self.domain}"

    def seed(self, data: dict[str, list[dict[str, Any]]]) -> None:
        """Create the seed's records; refs are local to the scene (`@acme` names its own)."""

        def scoped(row: dict[str, Any]) -> dict[str, Any]:
            out = {k: (f"@{self.tag}:{v[1:]}" if _is_ref(v) else v) for k, v in row.items()}
            if "ref" in row:
                out["ref"] = f"{self.tag}:{row['ref']}"
            return out

        plan = load_seed({part: [scoped(r) for r in rows] for part, rows in data.items()})
        for ref, made in seed(self.org.salesforce(), plan).items():
            self.ids[ref.removeprefix(f"{self.tag}:")] = made["id"]

    def seed_people(self, contacts: int = 6, leads: int = 2) -> None:
        """Two Accounts (Acme: two open and one closed Opportunity and a contact role;
        Globex: none), `contacts` Contacts spread over them and one without Account, Leads,
        and the sender's User."""
        rows = []
        for n in range(contacts):
            account = ("acme", "globex", None)[n % 3]
            row = {"ref": f"c{n}", "LastName": f"C{n}", "Email": self.address(f"c{n}")}
            rows.append(row | ({"AccountId": f"@{account}"} if account else {}))
        self.seed(
            {
                "users": [
                    {"ref": "rep", "LastName": "Rep", "Email": self.sender, "Username": self.sender}
                ],
                "accounts": [
                    {"ref": "acme", "Name": f"Acme {self.tag}"},
                    {"ref": "globex", "Name": f"Globex {self.tag}"},
                ],
                "contacts": rows,
                "leads": [
                    {
                        "ref": f"l{n}",
                        "LastName": f"L{n}",
                        "Company": "Lead Co",
                        "Email": self.address(f"l{n}"),
                    }
                    for n in range(leads)
                ],
                "opportunities": [
                    opportunity("big", "acme"),
                    opportunity("small", "acme"),
                    opportunity("lost", "acme", "Closed Lost"),
                ],
                "contact_roles": [{"OpportunityId": "@small", "ContactId": "@c0", "Role": "Buyer"}],
            }
        )

    # The engine -------------------------------------------------------------------------

    def engine(self, **gateway_options: Any) -> Runtime:
        """The engine on this scene's store, its gateway retrying without sleeping."""
        gateway = SimpleSalesforceGateway(
            self.org.salesforce(), sleep=lambda _seconds: None, **gateway_options
        )
        return build(self.store_url, self.org.instance_url, self.org.environment(), gateway=gateway)

    @contextmanager
    def opened(self, **gateway_options: Any) -> Iterator[Runtime]:
        engine = self.engine(**gateway_options)
        try:
            yield engine
        finally:
            engine.close()

    # Activities -------------------------------------------------------------------------

    def sent(
        self, name: str, to: Sequence[str], cc: Sequence[str] = (), **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": f"<{name}@{self.tag}>/sent",
            "type": "sent",
            "sender": self.sender,
            "occurred_at": f"{DAY}T09:30:00-05:00",
            "subject": f"{name} ({self.tag})",
            "to": [self.address(p) for p in to],
            **({"cc": [self.address(p) for p in cc]} if cc else {}),
            **extra,
        }

    def engaged(self, name: str, kind: str, actor: str) -> dict[str, Any]:
        return {
            "id": f"<{name}@{self.tag}>/{kind}",
            "type": kind,
            "sender": self.sender,
            "actor": self.address(actor),
            "occurred_at": f"{DAY}T11:00:00Z",
            "subject": f"{name} ({self.tag})",
            **({"url": "https://example.com/x"} if kind == "click" else {}),
            **({"file_name": "deck.pdf"} if kind == "download" else {}),
        }

    def write_jsonl(self, name: str, activities: list[dict[str, Any]]) -> Path:
        path = self.folder / name
        path.write_text("".join(json.dumps(a) + "\n" for a in activities), encoding="utf-8")
        return path

    # Reading the org --------------------------------------------------------------------

    def org_tasks(self, relations: bool = True) -> list[dict[str, Any]]:
        """Every Task whose primary is one of the scene's people, with all its people
        (`relations=False` for an org without shared activities: the primary alone)."""
        people = sorted(i for ref, i in self.ids.items() if PERSON_REF.fullmatch(ref))
        listed = ",".join(f"'{i}'" for i in people)
        fields = TASK_FIELDS if relations else TASK_FIELDS.split(", (")[0]
        statement = f"SELECT {fields} FROM Task WHERE WhoId IN ({listed})"
        return [_with_people(row) for row in admin_query(self.org, statement)]


def admin_query(org: LocalOrg, statement: str, attempts: int = 25) -> list[dict[str, Any]]:
    """`query_all`, tried again when an injected fault refuses it (the admin is patient)."""
    sf = org.salesforce()
    for attempt in range(attempts):
        try:
            return list(sf.query_all(statement)["records"])
        except (SalesforceError, OSError):
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def duplicates(tasks: list[dict[str, Any]]) -> dict[str, int]:
    """Sync keys held by more than one Task."""
    return {k: n for k, n in Counter(t[KEY] for t in tasks).items() if n > 1}


def _with_people(row: dict[str, Any]) -> dict[str, Any]:
    relations = (row.get("TaskWhoRelations") or {}).get("records") or []
    row = {k: v for k, v in row.items() if k not in ("attributes", "TaskWhoRelations")}
    row["people"] = sorted(r["RelationId"] for r in relations) or [row["WhoId"]]
    return row


def _is_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("@") and not value.startswith("@@")


def run_machine(
    machine: Any, examples: int, steps: int, figures: dict[str, int], label: str
) -> None:
    """Run a hypothesis state machine; print its figures and write them where
    RELIABILITY_FIGURES says (a long hunt keeps them)."""
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    told = ", ".join(f"{k} {v}" for k, v in sorted(figures.items()))
    Path(os.environ.get("RELIABILITY_FIGURES", os.devnull)).write_text(told + "\n")
    print(f"\n{label}: {told}")


class Folders:
    """`mktemp` for a machine driven by hand (pytest's factory wants a unique basename)."""

    def __init__(self, root: Path) -> None:
        self.root, self.made = root, 0

    def mktemp(self, name: str) -> Path:
        self.made += 1
        path = self.root / f"{name}{self.made}"
        path.mkdir()
        return path
