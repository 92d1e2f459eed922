"""The event-sourced application: records activities and settings, and reads them back."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Recording

from domain.activity import EmailActivity, activity_uuid
from domain.model import Activity
from domain.org_watch import OrgWatch
from domain.settings import SETTINGS_ID, OrgSettings, Settings
from projections.ports import HistoryReader

_OBSERVE_ATTEMPTS = 5
_READ_AT_ONCE = 5000


@dataclass
class RecordResult:
    """What recording a batch of activities did (R20: a re-ingested id is a duplicate)."""

    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


class ActivitySyncApp(Application[UUID]):
    """One store, one org: activities, their decisions and writes, and the settings history."""

    name = "ActivitySync"
    log_section_size = 1000
    history_reader: HistoryReader | None = None  # the store's bulk read, when it has one
    # OrgWatch gains an event at every look at the org (R27): a snapshot every 50 keeps
    # loading it cheap for the worker, which reads it once per chunk.
    snapshotting_intervals = {OrgWatch: 50}

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's save, in the same order, but our own aggregates' events are taken
        without its two runtime Protocol checks per object (on Python 3.11 they cost about
        a fifth of an ingest); anything else goes through the library's collecting."""
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing.events.extend(obj.collect_events())
                processing.aggregates[obj.id] = obj
            else:
                processing.collect_events(obj)
        processing.collect_events(**kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        self.notify(processing.events)  # the library's deprecated hook, called as it does
        return recordings

    def events_of(self, ids: Sequence[UUID], skip: Collection[str] = ()) -> dict[UUID, list[Any]]:
        """Each aggregate's events, oldest first (absent when none); in one read per chunk
        where the store allows it, events whose topic is in `skip` then come `Undecoded`."""
        if self.history_reader is not None:
            return self.history_reader.events_of(ids, skip)
        return {i: found for i in ids if (found := list(self.events.get(i)))}

    # Activities ---------------------------------------------------------------------

    def record_activities(self, items: Sequence[tuple[Activity, str]]) -> RecordResult:
        """Record many activities in few transactions; existing ids are reported as duplicates."""
        result = RecordResult()
        fresh: dict[str, tuple[Activity, str]] = {}
        for activity, source in items:
            if activity.id in fresh:
                result.duplicates.append(activity.id)
            else:
                fresh[activity.id] = (activity, source)
        self._save_or_split(list(fresh.values()), result)
        return result

    def _save_or_split(self, items: list[tuple[Activity, str]], result: RecordResult) -> None:
        """Save all at once; on a conflict, bisect to find the already-recorded ones.

        Aggregates are built anew for every attempt: a failed save has already taken
        their pending events.
        """
        if not items:
            return
        try:
            self.save(*(EmailActivity.record(activity, source) for activity, source in items))
        except IntegrityError:
            if len(items) == 1:
                result.duplicates.append(items[0][0].id)
                return
            middle = len(items) // 2
            self._save_or_split(items[:middle], result)
            self._save_or_split(items[middle:], result)
            return
        result.accepted.extend(activity.id for activity, _ in items)

    def activity(self, source_id: str) -> EmailActivity | None:
        return self.activity_by_uuid(activity_uuid(source_id))

    def activity_by_uuid(self, aggregate_id: UUID) -> EmailActivity | None:
        found = self._get(aggregate_id)
        return found if isinstance(found, EmailActivity) else None

    def activities_by_uuid(self, ids: Sequence[UUID]) -> list[EmailActivity]:
        """The activities among `ids`, in that order, in one read where the store allows it
        (the worker loads a chunk at once). Activities keep no snapshots, so their events
        are the whole story."""
        if self.history_reader is None:
            loaded = (self.activity_by_uuid(i) for i in ids)
            return [a for a in loaded if a is not None]
        stories: dict[UUID, list[Any]] = {}
        for start in range(0, len(ids), _READ_AT_ONCE):  # SQLite's bound on parameters
            stories.update(self.history_reader.events_of(ids[start : start + _READ_AT_ONCE]))
        found = []
        for aggregate_id in ids:
            aggregate: Any = None
            for event in stories.get(aggregate_id, ()):
                aggregate = event.mutate(aggregate)
            if isinstance(aggregate, EmailActivity):
                found.append(aggregate)
        return found

    def history(self, aggregate_id: UUID) -> list[DomainEventProtocol[UUID]]:
        """Every stored event of one aggregate, oldest first (the audit story, R21)."""
        return list(self.events.get(aggregate_id))

    def _get(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    # Settings -----------------------------------------------------------------------

    def settings_aggregate(self) -> OrgSettings:
        found = self._get(SETTINGS_ID)
        return found if isinstance(found, OrgSettings) else OrgSettings.create()

    def settings(self) -> Settings:
        return self.settings_aggregate().current

    def settings_at(self, version: int) -> Settings:
        """The settings as they were at one version (replay's `--settings-version`)."""
        if version <= 0:
            return Settings()
        aggregate: Aggregate = self.repository.get(SETTINGS_ID, version=version)
        assert isinstance(aggregate, OrgSettings)
        return aggregate.current

    def change_setting(self, key: str, raw: str, changed_by: str = "cli") -> Settings:
        aggregate = self.settings_aggregate()
        aggregate.change(key, raw, changed_by)
        self.save(aggregate)
        return aggregate.current

    def observe_shared_activities(self, enabled: bool, source: str) -> bool:
        """Record the org's shared-activities state when it changed (R17); True if recorded.

        Several workers observe the org at once: when another one saved first, look again
        (its event may already say the same).
        """
        for _attempt in range(_OBSERVE_ATTEMPTS):
            aggregate = self.settings_aggregate()
            changed = aggregate.observe_shared_activities(enabled, source)
            if not (changed or aggregate.version == 1):
                return False
            try:
                self.save(aggregate)
            except IntegrityError:
                continue
            return changed
        raise IntegrityError(f"settings kept changing while recording the org's state ({source})")

    def settings_history(self) -> Iterator[DomainEventProtocol[UUID]]:
        yield from self.events.get(SETTINGS_ID)
