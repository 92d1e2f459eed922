"""SimpleSalesforceGateway: the org behind our ports, every call through simple-salesforce."""

from __future__ import annotations

import dataclasses
import random as _random
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from simple_salesforce.api import Salesforce

from adapters.salesforce import bulk_writes, changes, deletes, lookups, probe, reads, writes
from adapters.salesforce.chunking import STATEMENT_BUDGET
from adapters.salesforce.retry import Backoff
from adapters.salesforce.transport import BUDGET_RECHECK_SECONDS, Transport
from domain.model import Directory, PlannedTask, WriteOutcome
from projections.ports import (
    ApiUsage,
    DirectoryLookup,
    OrgChanges,
    OrgProbe,
    OrgRecord,
    SharedActivitiesState,
    TaskWriter,
)


class SimpleSalesforceGateway(DirectoryLookup, TaskWriter, OrgProbe):
    """Lookups, writes, reads and probes against one org (R5, R10, R17, R20, R22, R24, R25).

    `shared()` says whether shared Tasks may carry TaskWhoIds now (the worker's view of R17).
    `renew()` builds a fresh client after an expired session (credential logins only).
    Writes and deletes of at least `bulk_threshold` Tasks (or Events) without TaskWhoIds go by
    Bulk API 2.0, where a job costs fewer calls than composite; `None` keeps everything on
    composite (adapters/salesforce/bulk_writes.py).
    """

    def __init__(
        self,
        sf: Salesforce,
        external_id_field: str = "Activity_Sync_Key__c",
        shared: Callable[[], bool] = lambda: True,
        budget_percent: int | None = 70,
        max_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        renew: Callable[[], Salesforce] | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        timeout: float = 120.0,
        statement_budget: int = STATEMENT_BUDGET,
        budget_recheck_seconds: float = BUDGET_RECHECK_SECONDS,
        bulk_threshold: int | None = bulk_writes.DEFAULT_THRESHOLD,
    ) -> None:
        backoff = Backoff(max_attempts, backoff_base, backoff_cap, sleep, random)
        self.transport = Transport(
            sf, backoff, budget_percent, renew, timeout, budget_recheck_seconds
        )
        self.external_id_field = external_id_field
        self.shared = shared
        self.statement_budget = statement_budget
        self.bulk_threshold = bulk_threshold  # Bulk API 2.0 from this many records of one object
        self._org_relations: bool | None = None  # does the org answer TaskWhoRelations?

    # -- figures -------------------------------------------------------------------------
    @property
    def calls_made(self) -> int:
        """API calls this gateway made (every attempt counts), for calls-per-chunk figures."""
        return self.transport.calls_made

    @property
    def limits_denied(self) -> bool:
        """The sync user may not read /limits (no View Setup): usage comes from headers."""
        return self.transport.limits_denied

    @property
    def retries(self) -> int:
        return self.transport.retries

    @property
    def instance_url(self) -> str:
        return f"https://{self.transport.sf.sf_instance}"

    # -- DirectoryLookup -------------------------------------------------------------------
    def lookup(self, addresses: Iterable[str], senders: Iterable[str]) -> Directory:
        return lookups.lookup(self.transport, addresses, senders, self.statement_budget)

    # -- TaskWriter ------------------------------------------------------------------------
    def write(
        self, tasks: Sequence[PlannedTask], existing: Collection[str] = ()
    ) -> list[WriteOutcome]:
        items = writes.items_for(tasks, self.external_id_field, self.shared(), existing)
        outcomes = self._rounds(items, self._upsert_once)
        return [outcomes[item.position] for item in items]

    def _upsert_once(self, items: list[writes.Item]) -> dict[int, WriteOutcome]:
        """Send once; records refused only for a create-only field (they existed after all) go
        again at once without it: an update, not a failure (R20)."""
        outcomes = self._upsert_items(items)
        again = [
            dataclasses.replace(item, body=writes.without_create_only(item.body))
            for item in items
            if writes.refused_for_create_only(item, outcomes[item.position])
        ]
        if again:
            outcomes.update(self._upsert_items(again))
        return outcomes

    def _upsert_items(self, items: list[writes.Item]) -> dict[int, WriteOutcome]:
        """The Bulk part first (its budget is checked before anything is sent), then composite."""
        bulk, rest = bulk_writes.split(items, self.bulk_threshold, bulk_writes.item_sobject)
        outcomes = bulk_writes.upsert(self.transport, bulk, self.external_id_field) if bulk else {}
        if rest:
            outcomes.update(writes.upsert_round(self.transport, rest, self.external_id_field))
        return outcomes

    def delete(self, salesforce_ids: Sequence[str]) -> list[WriteOutcome]:
        ids = list(salesforce_ids)

        def once(positions: list[int]) -> dict[int, WriteOutcome]:
            bulk, rest = bulk_writes.split(
                positions, self.bulk_threshold, lambda p: bulk_writes.id_sobject(ids[p])
            )
            outcomes: dict[int, WriteOutcome] = {}
            if bulk:
                answers = bulk_writes.delete(self.transport, [ids[p] for p in bulk])
                outcomes.update(zip(bulk, answers, strict=True))
            if rest:
                answers = deletes.delete_round(self.transport, [ids[p] for p in rest])
                outcomes.update(zip(rest, answers, strict=True))
            return outcomes

        outcomes = self._rounds(list(range(len(ids))), once)
        return [outcomes[n] for n in range(len(ids))]

    def fetch(self, sync_keys: Sequence[str], sobject: str = "Task") -> list[OrgRecord]:
        """Records by sync key with all their people whenever the org has shared activities,
        whatever the engine's switch says (replay must see what the org holds)."""
        records, relations = reads.fetch_records(
            self.transport,
            sync_keys,
            sobject,
            self.external_id_field,
            self._org_relations is not False,
            self.statement_budget,
        )
        if relations is not None:
            self._org_relations = relations
        return records

    def _rounds(
        self, pending: list[Any], send: Callable[[list[Any]], dict[int, WriteOutcome]]
    ) -> dict[int, WriteOutcome]:
        """Send, then send again what came back retryable, after back-off (R25)."""
        outcomes: dict[int, WriteOutcome] = {}
        backoff = self.transport.backoff
        for attempt in range(1, backoff.max_attempts + 1):
            outcomes.update(send(pending))
            pending = [p for p in pending if outcomes[_position(p)].retryable]
            if not pending or attempt == backoff.max_attempts:
                break
            self.transport.retries += 1
            backoff.wait(attempt)
        return outcomes

    # -- OrgProbe --------------------------------------------------------------------------
    def shared_activities(self) -> SharedActivitiesState:
        state = probe.shared_activities(self.transport)
        self._org_relations = state.enabled
        return state

    def api_usage(self) -> ApiUsage:
        return self.transport.usage or self.transport.read_limits()

    # -- ChangeReader (R27) -------------------------------------------------------------------
    def read_changes(self, since: str | None) -> OrgChanges:
        return changes.read_changes(
            self.transport,
            self.external_id_field,
            since,
            self._org_relations is not False,
            self.statement_budget,
        )

    # -- reading for admins ----------------------------------------------------------------
    def describe(self, sobject: str) -> dict[str, dict[str, Any]]:
        """The object's fields by name, as describe reports them."""
        return probe.describe_fields(self.transport, sobject)

    def timeline(self, email: str) -> list[reads.TimelineEntry]:
        """Tasks and Events whose WhoId is the person with this address, newest first (R22)."""
        return reads.timeline(self.transport, email, self.external_id_field, self.statement_budget)


def _position(pending: Any) -> int:
    return pending if isinstance(pending, int) else pending.position
