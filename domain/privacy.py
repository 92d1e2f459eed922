"""The record of erasure requests (R29): who asked to forget someone, when, and what was done.

It never says whom: the person's address is exactly what is being erased.
"""

from __future__ import annotations

import uuid

from eventsourcing.domain import Aggregate

ERASURES_ID = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:erasures")


class Erasures(Aggregate):
    """Every forget and unforget run on this store, without the people they were about."""

    TOPIC = "activity_sync:Erasures"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:Erasures.Event"

    class Started(Aggregate.Created):
        TOPIC = "activity_sync:Erasures.Started"

    class PersonForgotten(Event):
        """A person was forgotten: their keys destroyed, the read models rewritten."""

        TOPIC = "activity_sync:Erasures.PersonForgotten"
        requested_by: str
        in_org: str  # unrelate | keep
        activities: int
        org_records: int  # Tasks re-planned in the org (unrelated or deleted)

    class SuppressionLifted(Event):
        """An address may be ingested again (`unforget`)."""

        TOPIC = "activity_sync:Erasures.SuppressionLifted"
        requested_by: str

    @classmethod
    def start(cls) -> Erasures:
        return cls._create(cls.Started, id=ERASURES_ID)

    def forgotten(self, requested_by: str, in_org: str, activities: int, org_records: int) -> None:
        self.trigger_event(
            self.PersonForgotten,
            requested_by=requested_by,
            in_org=in_org,
            activities=activities,
            org_records=org_records,
        )

    def lifted(self, requested_by: str) -> None:
        self.trigger_event(self.SuppressionLifted, requested_by=requested_by)
