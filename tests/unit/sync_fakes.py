"""In-memory fakes of our ports for worker tests: an org that records what it was asked."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from domain.model import (
    Activity,
    ContactFact,
    Directory,
    LeadFact,
    OpportunityFact,
    PlannedTask,
    WriteOutcome,
)
from projections.ports import (
    ApiUsage,
    BudgetExhausted,
    DirectoryLookup,
    OrgProbe,
    OrgRecord,
    RetryableSyncError,
    SharedActivitiesState,
    TaskWriter,
)


@dataclass
class FakeOrg(DirectoryLookup, TaskWriter, OrgProbe):
    """People, opportunities and written records; knobs to refuse, fail and run out of budget."""

    contacts: dict[str, ContactFact] = field(default_factory=dict)
    leads: dict[str, LeadFact] = field(default_factory=dict)
    opportunities: list[OpportunityFact] = field(default_factory=list)
    shared_enabled: bool = True
    records: dict[str, dict] = field(default_factory=dict)  # sync key -> record
    fail_keys: dict[str, tuple[str, bool]] = field(default_factory=dict)  # key -> (code, retryable)
    outage: bool = False
    budget: int | None = None
    calls_made: int = 0
    lookups: list[list[str]] = field(default_factory=list)
    write_batches: list[int] = field(default_factory=list)
    told_existing: list[set[str]] = field(default_factory=list)  # keys the worker said exist
    sent: list[PlannedTask] = field(default_factory=list)  # every record as the writer got it

    def _call(self) -> None:
        if self.budget is not None and self.calls_made >= self.budget:
            raise BudgetExhausted(self.calls_made, self.budget, self.budget)
        if self.outage:
            raise RetryableSyncError("HTTP_503", "Service Unavailable")
        self.calls_made += 1

    def add_contact(self, email: str, account: str | None = None) -> str:
        contact_id = f"003{len(self.contacts):015d}"
        self.contacts[email] = ContactFact(contact_id, email, account, "2026-01-01T00:00:00Z")
        return contact_id

    def lookup(self, addresses: Iterable[str], senders: Iterable[str]) -> Directory:
        self._call()
        wanted = list(addresses)
        self.lookups.append(wanted)
        contacts = {a: (self.contacts[a],) for a in wanted if a in self.contacts}
        accounts = {c.account_id for (c,) in contacts.values() if c.account_id}
        return Directory(
            contacts_by_email=contacts,
            leads_by_email={a: (self.leads[a],) for a in wanted if a in self.leads},
            opportunities_by_account={
                a: tuple(o for o in self.opportunities if o.account_id == a) for a in accounts
            },
        )

    def write(
        self, tasks: Sequence[PlannedTask], existing: Collection[str] = ()
    ) -> list[WriteOutcome]:
        self._call()
        self.write_batches.append(len(tasks))
        self.told_existing.append(set(existing))
        self.sent.extend(tasks)
        return [self._write_one(task) for task in tasks]

    def _write_one(self, task: PlannedTask) -> WriteOutcome:
        if task.sync_key in self.fail_keys:
            code, retryable = self.fail_keys[task.sync_key]
            return WriteOutcome(task.sync_key, False, code=code, message=code, retryable=retryable)
        if task.shared and len(task.who_ids) > 1 and not self.shared_enabled:
            return WriteOutcome(
                task.sync_key,
                False,
                code="INVALID_FIELD",
                message="No such column 'TaskWhoIds' on sobject of type Task",
                shared_refused=True,
            )
        existing = self.records.get(task.sync_key)
        record_id = existing["Id"] if existing else f"00T{len(self.records):015d}"
        self.records[task.sync_key] = {
            "Id": record_id,
            "WhoId": task.who_id,
            "who_ids": list(task.who_ids),
            "WhatId": task.what_id,
            **task.fields,
        }
        return WriteOutcome(task.sync_key, True, record_id, created=existing is None)

    def delete(self, salesforce_ids: Sequence[str]) -> list[WriteOutcome]:
        self._call()
        gone = set(salesforce_ids)
        self.records = {k: r for k, r in self.records.items() if r["Id"] not in gone}
        return [WriteOutcome(i, True) for i in salesforce_ids]

    def fetch(self, sync_keys: Sequence[str], sobject: str = "Task") -> list[OrgRecord]:
        self._call()
        return []

    def shared_activities(self) -> SharedActivitiesState:
        self._call()
        return SharedActivitiesState(self.shared_enabled, "describe")

    def api_usage(self) -> ApiUsage:
        return ApiUsage(self.calls_made, 15000)


def sent(activity_id: str, *to: str) -> tuple[Activity, str]:
    email = Activity(
        id=activity_id,
        type="sent",
        occurred_at="2026-11-02T09:30:00+01:00",
        sender="rep@ourco.example",
        to=tuple(to),
        subject="Pricing",
    )
    return email, "test"
