"""Histories for the audit tests: activities recorded, resolved, planned and written via the aggregates.

Plans come from the real planner (`domain.planner.plan_activity`), as the worker makes them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from adapters.persistence import open_app
from adapters.views import view_engine
from domain.activity import EmailActivity
from domain.model import (
    Activity,
    ContactFact,
    Directory,
    LeadFact,
    OpportunityFact,
    Plan,
    PlannedTask,
)
from domain.planner import plan_activity
from domain.settings import Settings
from projections.application import ActivitySyncApp

_ids = itertools.count(1)


@dataclass
class Store:
    """A tmp SQLite event store, its application and the view's engine."""

    url: str
    app: ActivitySyncApp
    engine: Engine


def open_store(directory: Any, shared: str = "on", **settings: str) -> Store:
    """A fresh store with shared activities `shared` and any other settings changed (R16)."""
    url = f"sqlite:///{directory}/store.db"
    app = open_app(url)
    app.change_setting("shared_activities", shared)
    for key, value in settings.items():
        app.change_setting(key, value)
    return Store(url, app, view_engine(url))


def sf_id(prefix: str) -> str:
    """A fresh 18-character Salesforce-like id with the object's prefix."""
    return f"{prefix}{next(_ids):015d}"


@dataclass
class Org:
    """Directory facts built up by a test."""

    contacts: dict[str, list[ContactFact]] = field(default_factory=dict)
    leads: dict[str, list[LeadFact]] = field(default_factory=dict)
    opportunities: dict[str, list[OpportunityFact]] = field(default_factory=dict)
    roles: dict[str, list[OpportunityFact]] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    def contact(self, email: str, account: str | None) -> str:
        fact = ContactFact(
            id=sf_id("003"),
            email=email,
            account_id=account,
            last_modified="2026-01-01T00:00:00+00:00",
        )
        self.contacts.setdefault(email, []).append(fact)
        return fact.id

    def lead(self, email: str) -> str:
        fact = LeadFact(id=sf_id("00Q"), email=email)
        self.leads.setdefault(email, []).append(fact)
        return fact.id

    def opportunity(
        self, account: str, name: str, closed: bool = False, owner: str | None = None
    ) -> str:
        fact = OpportunityFact(
            id=sf_id("006"), account_id=account, owner_id=owner, is_closed=closed, name=name
        )
        self.opportunities.setdefault(account, []).append(fact)
        return fact.id

    def directory(self) -> Directory:
        return Directory(
            contacts_by_email={k: tuple(v) for k, v in self.contacts.items()},
            leads_by_email={k: tuple(v) for k, v in self.leads.items()},
            opportunities_by_account={k: tuple(v) for k, v in self.opportunities.items()},
            roles_by_contact={k: tuple(v) for k, v in self.roles.items()},
            users_by_email=dict(self.users),
        )


def sent(
    source_id: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str = "Proposal",
    **more: Any,
) -> Activity:
    return Activity(
        id=source_id,
        type="sent",
        occurred_at="2026-03-02T09:30:00+00:00",
        sender="rep@ourco.example",
        to=tuple(to),
        cc=tuple(cc),
        subject=subject,
        **more,
    )


def planned_activity(
    activity: Activity, org: Org, settings: Settings
) -> tuple[EmailActivity, Plan]:
    """Record, resolve and form every batch of one activity (not yet saved)."""
    directory = org.directory()
    result = plan_activity(activity, directory, settings)
    aggregate = EmailActivity.record(activity, "file:test.jsonl:1")
    aggregate.resolve(
        [r.to_dict() for r in result.recipients],
        directory.to_dict(),
        settings.to_dict(),
        list(result.warnings),
    )
    for task in result.tasks:
        aggregate.form_batch(task, settings.version, None)
    return aggregate, result


def write_all(aggregate: EmailActivity, tasks: Iterable[PlannedTask]) -> dict[str, str]:
    """Record every Task as written (attempt 1); returns sync key -> Salesforce id."""
    written = {}
    for task in tasks:
        salesforce_id = sf_id("00T" if task.sobject == "Task" else "00U")
        aggregate.task_created(task, salesforce_id, True, 1)
        written[task.sync_key] = salesforce_id
    return written
