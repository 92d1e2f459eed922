"""The ports the sync needs from the outside world, named in our words.

Adapters implement them (`adapters/salesforce/` on simple-salesforce); unit tests
subclass them with fakes that record what they were asked. No vendor type crosses
these signatures. The org's ports are Protocols, so one gateway can be typed as all
of them at once (`adapters.bootstrap.OrgGateway`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from domain.errors import ActivitySyncError
from domain.model import Directory, PlannedTask, WriteOutcome
from domain.org_changes import OrgState, PersonFate


class SyncError(ActivitySyncError):
    """A whole call to the org failed; carries Salesforce's own code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RetryableSyncError(SyncError):
    """Worth trying again later: REQUEST_LIMIT_EXCEEDED, UNABLE_TO_LOCK_ROW, 5xx, time-outs."""


class PermanentSyncError(SyncError):
    """Trying again will not help until something changes (a field, a permission, data)."""


class SessionExpired(RetryableSyncError):
    """The session is no longer valid; the gateway renews it once, then this surfaces."""


class BudgetExhausted(ActivitySyncError):
    """The engine's share of the org's daily API limit is spent (R25); resume later."""

    def __init__(self, used: int, limit: int, share: int) -> None:
        super().__init__(
            f"API budget reached: {used} of {limit} daily calls used, "
            f"the engine's share is {share}; it resumes when the org's usage falls"
        )
        self.used = used
        self.limit = limit
        self.share = share


@dataclass(frozen=True)
class ApiUsage:
    """The org's daily API usage as last reported (Sforce-Limit-Info or /limits)."""

    used: int
    limit: int


@dataclass(frozen=True)
class SharedActivitiesState:
    """What the org says about shared activities (R17), and how it was read."""

    enabled: bool
    source: str  # metadata_api | describe


@dataclass(frozen=True)
class OrgRecord:
    """A Task or Event as the org holds it now, for replay and timeline."""

    salesforce_id: str
    sobject: str
    sync_key: str | None
    who_id: str | None
    who_ids: tuple[str, ...]
    what_id: str | None
    subject: str | None
    activity_date: str | None
    last_modified: str | None
    last_modified_by_id: str | None
    created_by_id: str | None


class DirectoryLookup(Protocol):
    """Who is who in the org: people, their accounts, opportunities, roles, users (R5, R10)."""

    @abstractmethod
    def lookup(self, addresses: Iterable[str], senders: Iterable[str]) -> Directory:
        """Facts for many activities at once: one query per object type per chunk (R24)."""


class TaskWriter(Protocol):
    """Carries planned records out in the org, idempotently by sync key (R20, R24)."""

    @abstractmethod
    def write(
        self, tasks: Sequence[PlannedTask], existing: Collection[str] = ()
    ) -> list[WriteOutcome]:
        """Upsert by sync key, TaskWhoIds in the same record; one outcome per task, in order.
        `existing`: sync keys the org already holds a record for (an update: no create-only
        fields are sent for them)."""

    @abstractmethod
    def delete(self, salesforce_ids: Sequence[str]) -> list[WriteOutcome]:
        """Delete records the engine wrote; outcome.sync_key carries the Salesforce id."""

    @abstractmethod
    def fetch(self, sync_keys: Sequence[str], sobject: str = "Task") -> list[OrgRecord]:
        """The records the org holds for these sync keys, with their relations."""


class OrgProbe(Protocol):
    """Reads what the org is: its shared-activities setting and its API usage (R17, R25)."""

    @abstractmethod
    def shared_activities(self) -> SharedActivitiesState:
        """Metadata API first, describe of Task as the fallback."""

    @abstractmethod
    def api_usage(self) -> ApiUsage:
        """The latest known daily usage (from the last response, or /limits)."""


@dataclass(frozen=True)
class Held:
    """Work other workers hold: how many activities, and the earliest end of their leases;
    and `free`: pending work that is due and that nobody holds (a lease ran out)."""

    count: int
    first_expiry: float | None
    free: int = 0


class WorkQueue(ABC):
    """Which activities need the worker, shared safely between workers (leases)."""

    @abstractmethod
    def catch_up(self) -> int:
        """Follow the event log: activities with new work become pending. Returns events seen."""

    @abstractmethod
    def claim(self, owner: str, limit: int, lease_seconds: float) -> list[UUID]:
        """Lease up to `limit` pending activities that no live lease holds."""

    @abstractmethod
    def settle(self, owner: str, versions: Mapping[UUID, int]) -> None:
        """These activities are done up to these aggregate versions."""

    @abstractmethod
    def defer(self, owner: str, until: Mapping[UUID, float]) -> None:
        """Still pending; not to be claimed again before these times (epoch seconds)."""

    @abstractmethod
    def release(self, owner: str, ids: Sequence[UUID]) -> None:
        """Give back leases without settling (the work stays pending)."""

    @abstractmethod
    def pending_count(self) -> int:
        """Activities with work left (leased or not)."""

    @abstractmethod
    def held_by_others(self, owner: str) -> Held:
        """Pending activities that other workers hold now, when the first lease runs out, and
        how many pending activities are due but held by nobody."""


@dataclass(frozen=True)
class DeliveryResult:
    """How posting one rule notice went (R26); `code` names a failure (http_503, timeout...)."""

    delivered: bool
    status: int | None = None
    code: str = ""
    message: str = ""
    retryable: bool = False


class NoticeSender(ABC):
    """Posts a rule's notice to its receiver, signed; never raises for the receiver's answer."""

    @abstractmethod
    def send(self, url: str, body: Mapping[str, object], attempt: int) -> DeliveryResult:
        """One attempt: 2xx delivered; 5xx, 408, 429, time-outs and connection errors retryable."""


# A chunk of written Tasks (notification id, TaskCreated event) -> the notices it raised,
# each as (notice id, rule, sync key).
JudgeTasks = Callable[[Sequence[tuple[int, Any]]], Sequence[tuple[UUID, str, str]]]


class NoticeQueue(ABC):
    """Which rule notices still wait for delivery, and how far the notifier read the log."""

    @abstractmethod
    def judge_new_tasks(self, since: int, judge: JudgeTasks) -> int:
        """Hand the Tasks written after the queue's position (and after `since`) to `judge`,
        a chunk at a time, as (notification id, TaskCreated); add the notices it returns as
        pending (known ones stay as they are) and move the position past the chunk, in one
        transaction. Returns how many Tasks were judged."""

    @abstractmethod
    def claim(
        self, owner: str, limit: int, lease_seconds: float, due_only: bool, after: str = ""
    ) -> list[UUID]:
        """Lease pending notices whose id (hex) sorts after `after`, in id order; only those
        whose back-off has passed when `due_only`. A run walks forward, so it never takes a
        notice it already tried."""

    @abstractmethod
    def settle(self, notice_id: UUID, state: str, attempts: int, not_before: float) -> None:
        """Record a notice's state after an attempt (pending with a back-off, delivered, failed)."""

    @abstractmethod
    def pending_count(self) -> int:
        """Notices not yet delivered nor failed for good."""


@dataclass(frozen=True)
class Undecoded:
    """An event whose topic the reader was told to skip: only its place in the sequence."""

    originator_id: UUID | str
    originator_version: int
    topic: str


class HistoryReader(Protocol):
    """The stored events of many aggregates at once (replay reads hundreds per chunk)."""

    def events_of(self, ids: Sequence[UUID], skip: Collection[str] = ()) -> dict[UUID, list[Any]]:
        """Each aggregate's events, oldest first (aggregates with no events are absent);
        events whose topic is in `skip` come back `Undecoded`."""
        ...


@dataclass(frozen=True)
class OrgChanges:
    """What the org changed in a window (R27): the engine's records (by external id; deleted
    and archived ones too) modified in it, and the people converted, merged away or deleted."""

    records: list[OrgState]
    people: list[PersonFate]
    until: str  # where the window ends: the next look starts there


class ChangeReader(Protocol):
    """Reads the org's changes since a moment, in few calls (R24, R27)."""

    def read_changes(self, since: str | None) -> OrgChanges:
        """Changes after `since` (an ISO timestamp; None: everything the engine wrote)."""
        ...
