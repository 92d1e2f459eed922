"""A test case of the sync against the local org: its own people, its own store, admin queries.

Every case gets a unique tag: its people's addresses use the domain `<tag>.example`, its
activity ids start with the tag, so many cases share one org without seeing each other.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.bootstrap import Runtime, build
from adapters.input.ingest import IngestReport, ingest_stream
from adapters.local_org.launcher import LocalOrg
from adapters.local_org.seed import load_seed, seed
from domain.activity import EmailActivity
from domain.model import WriteOutcome
from projections.worker import SyncSummary, WorkerOptions

KEY = "Activity_Sync_Key__c"
TASK_FIELDS = (
    "Id, WhoId, WhatId, Subject, Status, TaskSubtype, ActivityDate, Description, OwnerId, "
    f"AccountId, {KEY}"
)
SHARED_TASK_FIELDS = f"{TASK_FIELDS}, WhoCount, (SELECT RelationId FROM TaskWhoRelations)"
EVENT_FIELDS = f"Id, WhoId, WhatId, Subject, StartDateTime, EndDateTime, OwnerId, {KEY}"
DAY = "2026-11-24"
_counter = itertools.count()


def new_tag() -> str:
    return f"t{next(_counter)}{uuid.uuid4().hex[:8]}"


def people(prefix: str, count: int, domain: str, **fields: Any) -> list[dict[str, Any]]:
    """Seed rows `prefix0..` with addresses `prefix<n>@domain` and the given fields (e.g. AccountId)."""
    return [
        {
            "ref": f"{prefix}{n}",
            "LastName": f"{prefix.title()}{n}",
            "Email": f"{prefix}{n}@{domain}",
            **fields,
        }
        for n in range(count)
    ]


@dataclass
class SyncCase:
    """One store syncing into one local org, with people of its own."""

    org: LocalOrg
    store_url: str
    tag: str = field(default_factory=new_tag)
    ids: dict[str, str] = field(default_factory=dict)  # seed ref -> Salesforce id
    objects: dict[str, str] = field(default_factory=dict)  # Salesforce id -> object

    @property
    def domain(self) -> str:
        return f"{self.tag}.example"

    @property
    def sender(self) -> str:
        return f"rep@ours-{self.tag}.example"

    def address(self, local: str) -> str:
        return f"{local}@{self.domain}"

    # Set-up ------------------------------------------------------------------------------

    def seed(self, data: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
        """Create the seed's records (refs are local to this case); their ids by ref."""
        scoped = {section: [self._scope(row) for row in rows] for section, rows in data.items()}
        created = seed(self.org.salesforce(), load_seed(scoped))
        for ref, made in created.items():
            self.ids[ref.removeprefix(f"{self.tag}:")] = made["id"]
            self.objects[made["id"]] = made["object"]
        return {ref.removeprefix(f"{self.tag}:"): made["id"] for ref, made in created.items()}

    def _scope(self, row: dict[str, Any]) -> dict[str, Any]:
        """Refs made unique to this case; a ref made by an earlier seed() becomes its id."""
        scoped = {k: self._resolve(v) for k, v in row.items() if k != "ref"}
        if "ref" in row:
            scoped["ref"] = f"{self.tag}:{row['ref']}"
        return scoped

    def _resolve(self, value: Any) -> Any:
        if not _is_ref(value):
            return value
        name = value[1:]
        return self.ids.get(name, f"@{self.tag}:{name}")

    def setting(self, key: str, value: str) -> None:
        with self.engine() as engine:
            engine.app.change_setting(key, value, "test")

    # Activities -------------------------------------------------------------------------

    def sent(self, name: str, to: Iterable[str], **extra: Any) -> dict[str, Any]:
        """A sent email from the case's rep; `to`, `cc`, `bcc` name seed refs or addresses."""
        activity = {
            "id": f"<{name}@{self.tag}>/sent",
            "type": "sent",
            "sender": self.sender,
            "occurred_at": f"{DAY}T09:30:00-05:00",
            "subject": f"{name} ({self.tag})",
            "to": [self._addr(p) for p in to],
        }
        for part in ("cc", "bcc"):
            if part in extra:
                extra[part] = [self._addr(p) for p in extra[part]]
        return {**activity, **extra}

    def engaged(self, name: str, kind: str, actor: str, **extra: Any) -> dict[str, Any]:
        """An engagement (open, click, download, bounce, reply) by one person."""
        return {
            "id": f"<{name}@{self.tag}>/{kind}",
            "type": kind,
            "sender": self.sender,
            "actor": self._addr(actor),
            "occurred_at": f"{DAY}T11:00:00Z",
            "subject": f"{name} ({self.tag})",
            **extra,
        }

    def _addr(self, person: str) -> str:
        return person if "@" in person else self.address(person)

    def ingest(self, *activities: dict[str, Any]) -> IngestReport:
        lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
        with self.engine() as engine:
            report = ingest_stream(engine.app, io.BytesIO(lines), f"test:{self.tag}")
        assert not report.rejected, [r.to_dict() for r in report.rejected]
        return report

    # Sync -------------------------------------------------------------------------------

    def engine(self) -> _Closing:
        """The engine as the CLI builds it."""
        return _Closing(build(self.store_url, self.org.instance_url, env=self.org.environment()))

    def sync(
        self,
        options: WorkerOptions | None = None,
        after_write: Callable[[list[WriteOutcome]], None] | None = None,
    ) -> SyncSummary:
        with self.engine() as engine:
            return engine.worker(options or fast_options(), after_write=after_write).run()

    def activity(self, name: str, kind: str = "sent") -> EmailActivity:
        """The stored activity the case made with `sent(name)` or `engaged(name, kind)`."""
        return self.stored(f"<{name}@{self.tag}>/{kind}")

    def stored(self, source_id: str) -> EmailActivity:
        with self.engine() as engine:
            found = engine.app.activity(source_id)
        assert found is not None, source_id
        return found

    def planned_keys(self, activities: Iterable[dict[str, Any]]) -> list[str]:
        """The sync keys of every record planned for these (ingested) activities."""
        return [key for a in activities for key in self.stored(a["id"]).batches]

    # Reading the org as an admin would -------------------------------------------------

    def tasks(self, shared: bool = True) -> list[dict[str, Any]]:
        """The org's Tasks whose primary is one of this case's people, with their people."""
        fields = SHARED_TASK_FIELDS if shared else TASK_FIELDS
        return [_with_people(row) for row in self._rows("Task", fields)]

    def events(self) -> list[dict[str, Any]]:
        return self._rows("Event", EVENT_FIELDS)

    def _rows(self, sobject: str, fields: str) -> list[dict[str, Any]]:
        whos = sorted(i for i, o in self.objects.items() if o in ("Contact", "Lead"))
        if not whos:
            return []
        listed = ",".join(f"'{i}'" for i in whos)
        statement = f"SELECT {fields} FROM {sobject} WHERE WhoId IN ({listed}) ORDER BY {KEY}"
        return list(self.org.salesforce().query_all(statement)["records"])

    def who(self, *refs: str) -> list[str]:
        return [self.ids[r] for r in refs]


class _Closing:
    """`with case.engine() as engine:` closes the engine's store afterwards."""

    def __init__(self, engine: Runtime) -> None:
        self.engine = engine

    def __enter__(self) -> Runtime:
        return self.engine

    def __exit__(self, *_exc: object) -> None:
        self.engine.close()


def fast_options(**changes: Any) -> WorkerOptions:
    """Deferred records may be retried at once (the tests run the worker again themselves)."""
    return WorkerOptions(**{"retry_base_seconds": 0.0, "retry_cap_seconds": 0.0, **changes})


def _is_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("@") and not value.startswith("@@")


def _with_people(row: dict[str, Any]) -> dict[str, Any]:
    relations = (row.get("TaskWhoRelations") or {}).get("records") or []
    row = {k: v for k, v in row.items() if k not in ("attributes", "TaskWhoRelations")}
    row["people"] = [r["RelationId"] for r in relations] or [row["WhoId"]]
    return row


def store_url_in(folder: Path) -> str:
    return f"sqlite:///{folder / 'store.db'}"
