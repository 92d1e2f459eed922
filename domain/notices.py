"""A rule's notice about one Task: raised once, then every delivery attempt is an event (R26).

The aggregate id is uuid5 of (rule name, sync key), so a rule fires at most once per
Task: a TaskCreated recorded again for the same sync key (an upsert re-run, a
re-ingest) finds the notice already there. A delivered notice is never sent again.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

NOTICE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:rule-notice")
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def notice_uuid(rule: str, sync_key: str) -> uuid.UUID:
    """The one notice a rule may raise for one Task."""
    return uuid.uuid5(NOTICE_NAMESPACE, f"{rule}\n{sync_key}")


class RuleNotice(Aggregate):
    """What a rule has to say about one Task, and how delivering it went."""

    TOPIC = "activity_sync:RuleNotice"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:RuleNotice.Event"

        def apply(self, aggregate: RuleNotice) -> None:
            aggregate.apply(self)

    class NoticeRaised(Aggregate.Created):
        """The rule's condition held for a written Task; `body` is what will be posted."""

        TOPIC = "activity_sync:RuleNotice.NoticeRaised"
        rule: str
        sync_key: str
        url: str
        body: dict[str, Any]

    class NoticeDelivered(Event):
        """The receiver answered 2xx."""

        TOPIC = "activity_sync:RuleNotice.NoticeDelivered"
        status: int
        attempt: int

    class NoticeFailed(Event):
        """An attempt failed; `retryable` says whether a later run tries again."""

        TOPIC = "activity_sync:RuleNotice.NoticeFailed"
        code: str  # http_503, timeout, connection, rule_removed, ...
        status: int | None
        message: str
        attempt: int
        retryable: bool

    def __init__(self, rule: str, sync_key: str, url: str, body: dict[str, Any]) -> None:
        self.rule = rule
        self.sync_key = sync_key
        self.url = url
        self.body = body
        self.state = PENDING
        self.attempts = 0
        self.last_error: str | None = None

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type: each delivery attempt counts; a final one settles."""
        match event:
            case RuleNotice.NoticeDelivered():
                self.attempts = event.attempt
                self.state = DELIVERED
            case RuleNotice.NoticeFailed():
                self.attempts = event.attempt
                self.last_error = f"{event.code}: {event.message}"
                if not event.retryable:
                    self.state = FAILED

    @classmethod
    def raise_notice(cls, rule: str, sync_key: str, url: str, body: dict[str, Any]) -> RuleNotice:
        notice_id = notice_uuid(rule, sync_key)
        body = {**body, "notice_id": str(notice_id), "rule": rule, "event": "task_created"}
        return cls._create(
            cls.NoticeRaised, id=notice_id, rule=rule, sync_key=sync_key, url=url, body=body
        )

    @property
    def is_settled(self) -> bool:
        """Delivered, or failed for good: no further attempt."""
        return self.state != PENDING

    def mark_delivered(self, status: int, attempt: int) -> None:
        """The receiver answered 2xx (NoticeDelivered); a settled notice stays as it is."""
        if not self.is_settled:
            self.trigger_event(self.NoticeDelivered, status=status, attempt=attempt)

    def record_failure(
        self, code: str, status: int | None, message: str, attempt: int, retryable: bool
    ) -> None:
        """An attempt failed (NoticeFailed); not `retryable` settles the notice as failed."""
        if not self.is_settled:
            self.trigger_event(
                self.NoticeFailed,
                code=code,
                status=status,
                message=message,
                attempt=attempt,
                retryable=retryable,
            )
