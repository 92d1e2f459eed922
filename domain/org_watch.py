"""The OrgWatch aggregate: how far the engine has looked at the org's changes, and who is gone.

One per store (R27). Each check of the org is an event with the window it covered, so the
next check starts where this one ended; each person the org merged away, converted or
deleted is an event too, so sync and replay never write a reference to them again. Each read
of the org's shared-activities setting is one as well (R17), so that a process starting
within five minutes of the last read uses it instead of reading again.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from domain.org_changes import PersonFate

ORG_WATCH_ID = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:org-watch")


class OrgWatch(Aggregate):
    """The org's changes as the engine has seen them: its last window and the people gone."""

    TOPIC = "activity_sync:OrgWatch"
    class_version = 2  # snapshots: v2 holds the last read of shared activities

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["shared_read"] = None

    class Created(Aggregate.Created):
        TOPIC = "activity_sync:OrgWatch.Created"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:OrgWatch.Event"

        def apply(self, aggregate: OrgWatch) -> None:
            aggregate.apply(self)

    class Checked(Event):
        """One look at the org: the window of changes it covered, and what it found."""

        TOPIC = "activity_sync:OrgWatch.Checked"
        since: str | None
        until: str
        records: int
        changes: int
        calls: int

    class PersonGone(Event):
        """A person the engine's plans name was converted, merged away or deleted."""

        TOPIC = "activity_sync:OrgWatch.PersonGone"
        fate: dict[str, Any]

    class SupportDisableRepaired(Event):
        """After support disabled shared activities (seen at `settings_version`), the engine
        re-planned the shared Tasks that lost their people (R18), as replay `replay_id`."""

        TOPIC = "activity_sync:OrgWatch.SupportDisableRepaired"
        settings_version: int
        replay_id: str
        activities: int

    class SharedActivitiesRead(Event):
        """The org's shared-activities setting was read at `at` (R17): what it said, and how
        (metadata_api, describe). A change of it is recorded on OrgSettings as well."""

        TOPIC = "activity_sync:OrgWatch.SharedActivitiesRead"
        enabled: bool
        source: str
        at: str  # ISO 8601, from the reader's clock

    def __init__(self) -> None:
        self.shared_read: dict[str, Any] | None = None  # the last SharedActivitiesRead
        self.repaired_version = 0  # the last support disable repaired (a settings version)
        self.until: str | None = None
        self.checked_at: str | None = None
        self.gone: dict[str, dict[str, Any]] = {}  # person id -> PersonFate data (plain data)

    @property
    def fates(self) -> dict[str, PersonFate]:
        return {person: PersonFate.from_dict(data) for person, data in self.gone.items()}

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type."""
        match event:
            case OrgWatch.Checked():
                self.until = event.until
                self.checked_at = event.timestamp.isoformat()
            case OrgWatch.SupportDisableRepaired():
                self.repaired_version = event.settings_version
            case OrgWatch.SharedActivitiesRead():
                self.shared_read = {
                    "enabled": event.enabled,
                    "source": event.source,
                    "at": event.at,
                }
            case OrgWatch.PersonGone():
                self.gone[event.fate["person_id"]] = event.fate

    @classmethod
    def create(cls) -> OrgWatch:
        return cls._create(cls.Created, id=ORG_WATCH_ID)

    def record_person_gone(self, fate: PersonFate) -> None:
        if self.gone.get(fate.person_id) != fate.to_dict():
            self.trigger_event(self.PersonGone, fate=fate.to_dict())

    def record_shared_read(self, enabled: bool, source: str, at: str) -> None:
        self.trigger_event(self.SharedActivitiesRead, enabled=enabled, source=source, at=at)

    def record_repair(self, settings_version: int, replay_id: str, activities: int) -> None:
        self.trigger_event(
            self.SupportDisableRepaired,
            settings_version=settings_version,
            replay_id=replay_id,
            activities=activities,
        )

    def record_check(
        self, since: str | None, until: str, records: int, changes: int, calls: int
    ) -> None:
        self.trigger_event(
            self.Checked, since=since, until=until, records=records, changes=changes, calls=calls
        )
