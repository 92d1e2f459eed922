"""An alert to the admin: raised once, then every delivery attempt is an event, like a rule notice.

The id is uuid5 of (kind, key), the key naming the log position that raised it, so a
crash or a rebuild that raises it again finds it there: each alert is sent once. The
address is not stored here (it is read from the alert settings when sending) and neither
is the signing secret.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from domain.notices import DELIVERED, FAILED, PENDING

ALERT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:alert")
KINDS = ("failure_spike", "budget_paused", "session_expired", "shared_activities_changed")


def alert_uuid(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(ALERT_NAMESPACE, f"{kind}\n{key}")


class Alert(Aggregate):
    """Something the admin should know now; its delivery attempts and result."""

    TOPIC = "activity_sync:Alert"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:Alert.Event"

        def apply(self, aggregate: Alert) -> None:
            aggregate.apply(self)

    class AlertRaised(Aggregate.Created):
        TOPIC = "activity_sync:Alert.AlertRaised"
        kind: str
        key: str
        summary: str  # one sentence for a person
        detail: dict[str, Any]
        happened_at: str

    class AlertDelivered(Event):
        TOPIC = "activity_sync:Alert.AlertDelivered"
        status: int
        attempt: int

    class AlertFailed(Event):
        TOPIC = "activity_sync:Alert.AlertFailed"
        code: str
        status: int | None
        message: str
        attempt: int
        retryable: bool

    def __init__(
        self, kind: str, key: str, summary: str, detail: dict[str, Any], happened_at: str
    ) -> None:
        self.kind = kind
        self.key = key
        self.summary = summary
        self.detail = detail
        self.happened_at = happened_at
        self.state = PENDING
        self.attempts = 0

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator: each attempt counts; a delivery or a final failure settles it."""
        match event:
            case Alert.AlertDelivered():
                self.attempts, self.state = event.attempt, DELIVERED
            case Alert.AlertFailed():
                self.attempts = event.attempt
                if not event.retryable:
                    self.state = FAILED

    @classmethod
    def raise_alert(
        cls, kind: str, key: str, summary: str, detail: dict[str, Any], happened_at: str
    ) -> Alert:
        return cls._create(
            cls.AlertRaised,
            id=alert_uuid(kind, key),
            kind=kind,
            key=key,
            summary=summary,
            detail=detail,
            happened_at=happened_at,
        )

    @property
    def is_settled(self) -> bool:
        return self.state != PENDING

    def mark_delivered(self, status: int, attempt: int) -> None:
        if not self.is_settled:
            self.trigger_event(self.AlertDelivered, status=status, attempt=attempt)

    def record_failure(
        self, code: str, status: int | None, message: str, attempt: int, retryable: bool
    ) -> None:
        if not self.is_settled:
            self.trigger_event(
                self.AlertFailed,
                code=code,
                status=status,
                message=message,
                attempt=attempt,
                retryable=retryable,
            )
