"""Replay test helpers: an in-memory org that also reads back, a store, a worker, emails."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync_fakes import FakeOrg

from adapters.store.persistence import locate, open_app
from adapters.store.sql import engine_for
from adapters.store.work_queue import SqlWorkQueue
from domain.model import Directory, OpportunityFact, PlannedTask, WriteOutcome
from projections.application import ActivitySyncApp
from projections.ports import OrgRecord
from projections.tracker import SettingsTracker
from projections.worker import SyncWorker, WorkerOptions

ENGINE_USER = "005000000000000ENG"
PERSON = "005000000000000PER"


@dataclass
class ReadableOrg(FakeOrg):
    """FakeOrg that stamps writes like Salesforce and answers `fetch` with relations."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 12, tzinfo=UTC))
    fetches: list[int] = field(default_factory=list)
    roles: dict[str, tuple[OpportunityFact, ...]] = field(default_factory=dict)  # contact -> opps

    def lookup(self, addresses: Iterable[str], senders: Iterable[str]) -> Directory:
        found = super().lookup(addresses, senders)
        ids = {c.id for cs in found.contacts_by_email.values() for c in cs}
        return replace(found, roles_by_contact={c: self.roles[c] for c in ids if c in self.roles})

    def tick(self, seconds: float = 1.0) -> None:
        self.now += timedelta(seconds=seconds)

    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def _write_one(self, task: PlannedTask) -> WriteOutcome:
        before = self.records.get(task.sync_key)
        outcome = super()._write_one(task)
        if outcome.ok:
            record = self.records[task.sync_key]
            record["CreatedById"] = (before or {}).get("CreatedById", ENGINE_USER)
            record["LastModifiedById"] = ENGINE_USER
            record["LastModifiedDate"] = self.stamp()
            if not self.shared_enabled:
                record["who_ids"] = [task.who_id]
        return outcome

    def fetch(self, sync_keys: Sequence[str], sobject: str = "Task") -> list[OrgRecord]:
        self._call()
        self.fetches.append(len(sync_keys))
        return [self.as_record(key) for key in sync_keys if key in self.records]

    def as_record(self, key: str) -> OrgRecord:
        record = self.records[key]
        people = tuple(record["who_ids"]) if self.shared_enabled else (record["WhoId"],)
        return OrgRecord(
            salesforce_id=record["Id"],
            sobject="Task",
            sync_key=key,
            who_id=record["WhoId"],
            who_ids=people,
            what_id=record["WhatId"],
            subject=record.get("Subject"),
            activity_date=record.get("ActivityDate"),
            last_modified=record.get("LastModifiedDate"),
            last_modified_by_id=record.get("LastModifiedById"),
            created_by_id=record.get("CreatedById"),
        )

    # What happens to the org from outside the engine ----------------------------------

    def support_disables_shared(self) -> None:
        """Salesforce support's disable: every Task keeps only its primary (no edit stamp)."""
        self.shared_enabled = False
        for record in self.records.values():
            record["who_ids"] = [record["WhoId"]]

    def person_edits(self, key: str, **values: object) -> None:
        self.tick(60)
        self.records[key].update(values, LastModifiedById=PERSON, LastModifiedDate=self.stamp())

    def add_foreign_task(self, who_id: str) -> str:
        """A Task someone created by hand: no sync key."""
        key = f"hand-made-{len(self.records)}"
        self.records[key] = {
            "Id": f"00T{len(self.records):015d}",
            "WhoId": who_id,
            "who_ids": [who_id],
            "WhatId": None,
            "Subject": "Call",
        }
        return key

    def by_who(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for record in self.records.values():
            found.setdefault(record["WhoId"], []).append(record)
        return found


@dataclass
class Rig:
    """A SQLite store, its queue and a worker on a ReadableOrg."""

    app: ActivitySyncApp
    org: ReadableOrg
    url: str

    def worker(self) -> SyncWorker:
        queue = SqlWorkQueue(self.app, engine_for(locate(self.url)))
        tracker = SettingsTracker(self.app, self.org, reread_seconds=0)
        options = WorkerOptions(chunk_size=100, retry_base_seconds=0, retry_cap_seconds=0)
        return SyncWorker(
            self.app, queue, self.org, self.org, tracker, lambda: self.org.calls_made, options
        )

    def sync(self) -> None:
        summary = self.worker().run()
        assert summary.pending == 0 and not summary.records_failed, summary
        self.org.tick()

    def observe(self) -> None:
        """Run the settings tracker once, as `replay plan` does before planning (R17)."""
        SettingsTracker(self.app, self.org).current()


def make_rig(tmp_path, org: ReadableOrg) -> Rig:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    return Rig(open_app(url), org, url)


def org_with(n: int, account: str | None = "001A", shared: bool = True) -> ReadableOrg:
    org = ReadableOrg(shared_enabled=shared)
    for i in range(n):
        org.add_contact(f"c{i}@acme.example", account)
    return org


def opportunity(org: ReadableOrg, opp_id: str, account: str, closed: bool = False) -> None:
    org.opportunities.append(OpportunityFact(opp_id, account, is_closed=closed))


def contacts(n: int, start: int = 0) -> list[str]:
    return [f"c{i}@acme.example" for i in range(start, start + n)]


def dump_org(org: ReadableOrg, path: Path) -> None:
    """The org's records in a JSON file, for readers in other processes."""
    import json

    path.write_text(json.dumps({k: org.as_record(k).__dict__ for k in org.records}))


def file_reader(path: Path) -> Callable[[Sequence[str], str], list[OrgRecord]]:
    """An org reader over a `dump_org` file (built inside a planning worker process)."""
    import json

    records = {
        k: OrgRecord(**{**v, "who_ids": tuple(v["who_ids"])})
        for k, v in json.loads(path.read_text()).items()
    }

    def read(keys: Sequence[str], sobject: str = "Task") -> list[OrgRecord]:
        return [records[k] for k in keys if k in records]

    return read
