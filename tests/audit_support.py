"""Histories for the audit tests: activities recorded, resolved, planned and written via the aggregates.

Plans come from the real planner (`domain.planner.plan_activity`), as the worker makes them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Engine

from adapters.store.persistence import open_app
from adapters.views.task_view import view_engine
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
from domain.org_changes import OrgChange
from domain.planner import plan_activity
from domain.rejection import IngestRun, Rejection, keep_raw
from domain.settings import Settings
from domain.sync_run import SyncRun
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
    return store_at(f"sqlite:///{directory}/store.db", shared, **settings)


def store_at(url: str, shared: str = "on", **settings: str) -> Store:
    """The store at `url` (SQLite or PostgreSQL) with those settings changed (R16)."""
    app = open_app(url)
    app.change_setting("shared_activities", shared)
    for key, value in settings.items():
        app.change_setting(key, value)
    return Store(url, app, view_engine(url))


def person_name(email: str) -> str:
    """The Name the org gives a test Contact: `Pat P00` for p00@acme.example."""
    return f"Pat {email.split('@')[0].upper()}"


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
            name=person_name(email),
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
            account_names={ACCOUNT: ACCOUNT_NAME},
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
        aggregate.record_write(task, salesforce_id, True, 1)
        written[task.sync_key] = salesforce_id
    return written


# A mixed history: every kind of event the view follows --------------------------------

ACCOUNT = "001000000000000ACM"
ACCOUNT_NAME = "Acme Corporation"


def engagement(source_id: str, kind: str, actor: str) -> Activity:
    return Activity(
        id=source_id,
        type=kind,
        occurred_at="2026-03-03T10:00:00+00:00",
        sender="rep@ourco.example",
        actor=actor,
        subject="Proposal",
    )


def meeting(source_id: str, attendees: Sequence[str]) -> Activity:
    return Activity(
        id=source_id,
        type="meeting",
        occurred_at="2026-03-04T10:00:00+00:00",
        sender="rep@ourco.example",
        to=tuple(attendees),
        subject="Kick-off",
        starts_at="2026-03-04T10:00:00+00:00",
        ends_at="2026-03-04T11:00:00+00:00",
    )


def first_part(store: Store, emails: int) -> Org:
    """`emails` shared emails to 3 Contacts (written), a 60-recipient email (written), a refused
    Task, a retried Task, an open, a meeting (2 Events), an unmatched email, an unresolved one,
    an ingest run with 2 rejected lines and a sync run with 2 chunks."""
    org = Org()
    people = [f"p{i:02d}@acme.example" for i in range(60)]
    for address in people:
        org.contact(address, ACCOUNT)
    settings = store.app.settings()
    saved: list[Any] = []
    for n in range(emails):
        activity, plan = planned_activity(sent(f"e{n}", people[:3]), org, settings)
        write_all(activity, plan.tasks)
        saved.append(activity)
    big, plan = planned_activity(sent("big", people), org, settings)
    write_all(big, plan.tasks)
    refused, plan = planned_activity(sent("refused", people[:1]), org, settings)
    refused.record_failure(plan.tasks[0].sync_key, "INVALID_FIELD", "No such column", False, 1)
    retried, plan = planned_activity(sent("retried", people[1:2]), org, settings)
    retried.record_failure(plan.tasks[0].sync_key, "UNABLE_TO_LOCK_ROW", "locked", True, 1)
    write_all(retried, plan.tasks)
    opened, plan = planned_activity(engagement("open-1", "open", people[0]), org, settings)
    write_all(opened, plan.tasks)
    met, plan = planned_activity(meeting("meet-1", people[:2]), org, settings)
    write_all(met, plan.tasks)
    nobody, _ = planned_activity(sent("nobody", ["who@nowhere.example"]), org, settings)
    waiting = EmailActivity.record(sent("waiting", people[:2]), "file:test.jsonl:9")
    store.app.save(*saved, big, refused, retried, opened, met, nobody, waiting, _ingest(), _run())
    return org


def _ingest() -> IngestRun:
    run = IngestRun.start("file:bad.jsonl")
    run.reject(Rejection(3, "type", "unknown type"), keep_raw(b'{"type": "fax"}'))
    run.reject(Rejection(7, None, "not JSON"), keep_raw(b"{oops"))
    run.finish(accepted=10, duplicates=0)
    return run


def _run() -> SyncRun:
    run = SyncRun.start("worker-1", 2)
    run.record_chunk(
        activities=6,
        emails=4,
        records_written=5,
        records_failed=1,
        api_calls=5,
        api_used=100,
        api_limit=15000,
    )
    run.record_chunk(
        activities=4,
        emails=2,
        records_written=3,
        records_failed=0,
        api_calls=3,
        api_used=None,
        api_limit=None,
    )
    run.pause("budget", {"message": "share reached"})
    run.finish(pending=1)
    return run


def second_part(store: Store, org: Org) -> None:
    """A retry that succeeds, a replay that retires a shared Task and re-forms it, a deletion,
    and a person's edit of a written Task seen by drift (R27)."""
    refused = store.app.activity("refused")
    key = next(iter(refused.batches))
    refused.request_retry(key, "admin")
    refused.record_write(refused.planned()[0], sf_id("00T"), True, 2)
    replayed = store.app.activity("e0")
    old = next(iter(replayed.batches))
    replayed.retire(old, "shared activities disabled", "replay-1")
    after = store.app.change_setting("shared_activities", "off")
    for task in plan_activity(replayed.model, org.directory(), after).tasks:
        replayed.form_batch(task, after.version, "replay-1")
    replayed.record_deletion(old, replayed.written[old], already_gone=False)
    edited = store.app.activity("e1")
    key = next(iter(edited.written))
    before = edited.baseline(key)
    assert before is not None
    now = replace(before, fields={**before.fields, "Subject": "Edited by a person"})
    edited.record_org_changes(
        [OrgChange("edited", "2026-11-03T10:00:00+00:00", "005P", ("Subject",))], now
    )
    store.app.save(refused, replayed, edited)
